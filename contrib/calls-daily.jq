# calls-daily.jq: a summary per day and called number from calls.jq's
# records: calls, answered (by a person or the voicemail), missed, and the
# mean ring time in seconds of the calls that have one.  Days are local
# days (the TZ of the environment, else the system's): a call at 00:30 in
# Berlin is that day's, though the log's time says 23:30 UTC the day before.
#   jq -c -n -R -f contrib/calls.jq events.jsonl | jq -c -n -f contrib/calls-daily.jq
def local_day:
  if . == null then "unknown"
  else (.[0:19] + "Z" | fromdateiso8601 | strflocaltime("%Y-%m-%d")) end;
reduce inputs as $c ({};
  (($c.started // $c.answered // $c.ended) | local_day) as $day
  | ($c.to // "unknown") as $to
  | .["\($day) \($to)"] |= ((. // {day: $day, to: $to, calls: 0, answered: 0, missed: 0, ring: []})
      | .calls += 1
      | if $c.outcome == "answered" or $c.outcome == "voicemail" then .answered += 1 else . end
      | if $c.outcome == "missed" then .missed += 1 else . end
      | if $c.ring_s != null then .ring += [$c.ring_s] else . end))
| to_entries | sort_by(.key)[] | .value
| {day, to, calls, answered, missed,
   mean_ring_s: (if (.ring | length) == 0 then null else (.ring | add / length * 10 | round / 10) end)}
