# calls-csv.jq: calls.jq's records as CSV for a spreadsheet, with a header.
#   jq -c -n -R -f contrib/calls.jq events.jsonl | jq -r -n -f contrib/calls-csv.jq > calls.csv
["started", "answered", "ended", "direction", "from", "caller", "to", "diversion", "outcome",
 "ring_s", "talk_s", "answeredBy", "cause", "users", "dtmf", "rule_line", "callId", "origCallId", "legs"],
(inputs
 | [.started, .answered, .ended, .direction, .from, .caller, .to, .diversion, .outcome,
    .ring_s, .talk_s, .answeredBy, .cause, ((.users // []) | join(" ")),
    (.dtmf | join("")), .rule.line, .callId, .origCallId, ((.legs // []) | join(" "))])
| @csv
