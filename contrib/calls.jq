# calls.jq: one JSON object per call from sipgate-webhook's event log.
#
#   jq -c -n -R -f contrib/calls.jq events.jsonl [more.jsonl ...]
#
# Streaming: a call is printed once its hangup has been read and the input
# has moved on by more than a minute past it (lines are not always in time
# order: two web servers, two writers a millisecond apart), so memory holds
# only the calls still open.  A call the call rules rejected is final at
# once and is printed a minute after its newCall (or its hangup, if one
# comes earlier).  A call with no event for 4 hours (of log time) is
# printed as "open" and forgotten: sipgate sends no hangup when the
# newCall reply did not subscribe it (SIPGATE_FOLLOW=none or answer), and
# such calls must not pile up.  At the end of the input the rest are
# printed; those without a hangup (and not rejected) are "open".  Calls
# come out in the order they finished.
#
# The same line twice (a log shipped twice) counts once, and so does the
# same event with the same parameters (a replayed request); a keypad digit
# is an event of its own each time it is typed, so for dtmf only the
# identical line counts once.  A line arriving more than a minute (of log
# time) after its call was printed starts a second record for that callId.
# Lines that are not events (not JSON, no event or no callId) are skipped
# and counted on stderr.
#
# A forward (to the voicemail, a transfer) makes a leg with a callId of its
# own whose origCallId names the call it came from.  A leg whose call is
# still open is tied to it: the call is printed no sooner than its last
# leg, as one record with "legs" (their callIds), the first answer of any
# leg, the end once every leg has ended, and the last leg's cause and
# outcome, so a call that went on to the voicemail is one call that went to
# the voicemail.

# The log's "received" (2026-11-26T14:15:30.123Z) in milliseconds.
def ms:
  try ((.[0:19] + "Z" | fromdateiso8601) * 1000 + (.[20:23] | tonumber))
  catch null;

def first_value: if type == "array" then .[0] else . end;

# The next line of the input as {v: value}, {bad: reason} or {eof: true}.
# With -R each line is a string parsed here on its own, so a line that is
# not JSON (the part of a record a killed writer left, ended by the next
# writer) costs only itself.  Without -R, jq 1.6 takes the value after
# such a line with it, and after a value cut off at the end of a file it
# reports errors without end, taken here as the end.
def next_line:
  try (input | if type == "string" then (try {v: fromjson} catch {bad: .}) else {v: .} end)
  catch (if . == "No more inputs" or . == "break" or (tostring | test("at EOF"))
         then {eof: true} else {bad: .} end);

# A call's fields from one event, keeping what an earlier event gave.
def merge($e; $t):
  ($e.params // {}) as $p
  | .last_ms = ([.last_ms, $t] | max)
  | .first_ms = ([.first_ms, $t] | map(select(. != null)) | min)
  | .callId = ($p.callId | first_value)
  | .origCallId = (.origCallId // ($p.origCallId | first_value))
  | .xcid = (.xcid // ($p.xcid | first_value))
  | .direction = (.direction // ($p.direction | first_value))
  | .from = (.from // ($p.from | first_value))
  | .to = (.to // ($p.to | first_value))
  | .diversion = (.diversion // ($p.diversion | first_value))
  | .caller = (.caller // $e.caller)
  | if $e.event == "newCall" and (.started_ms == null or $t < .started_ms) then
      .started = $e.received | .started_ms = $t
      | .users = ($p.user | if . == null then null elif type == "array" then . else [.] end)
      | .rule = $e.rule
      # A newCall's own numbers win over those a later event repeated.
      | .from = (($p.from | first_value) // .from)
      | .to = (($p.to | first_value) // .to)
      | .direction = (($p.direction | first_value) // .direction)
      | .diversion = (($p.diversion | first_value) // .diversion)
    elif $e.event == "answer" and (.answered_ms == null or $t < .answered_ms) then
      .answered = $e.received | .answered_ms = $t
      | .answeredBy = ((($p.user | first_value) | select(. != null and . != ""))
                       // ($p.answeringNumber | first_value))
      | .voicemail = (($p.user | first_value) == "voicemail")
    elif $e.event == "hangup" and (.ended_ms == null or $t < .ended_ms) then
      .ended = $e.received | .ended_ms = $t | .cause = ($p.cause | first_value)
      | .logged_outcome = $e.outcome
    elif $e.event == "dtmf" then
      .dtmf += [[$t, ($p.dtmf | first_value | tostring)]]
    else . end;

def rejected: .rule.action == "reject";

# When the call is final (ms), or null while it is open.
def final_ms:
  if rejected then ([.started_ms, .ended_ms] | map(select(. != null)) | min)
  else .ended_ms end;

# When the call is printed and forgotten: a minute after it is final, or
# 4 hours after its last event while it is open (and for a call with legs,
# no sooner than each of them).
def own_due:
  if .final != null then .final + 60000 else .last_ms + 14400000 end;

def seconds($a; $b): if $a == null or $b == null then null else ($b - $a) / 1000 end;

def outcome:
  if rejected then "rejected"
  elif .ended_ms == null then "open"
  # The program's own word, where the hangup's record has it.
  elif .logged_outcome != null then .logged_outcome
  elif .answered_ms != null then (if .voicemail then "voicemail" else "answered" end)
  elif .cause == "cancel" or .cause == "noAnswer" then "missed"
  elif .cause == "busy" then "busy"
  elif .cause == "forwarded" then "forwarded"
  else "failed" end;

# Open calls are kept in buckets by the last two characters of their
# callId: jq 1.6 copies an object to change it, so a change costs what the
# bucket holds (1/256 of the open calls for hex ids), not what all do.
def bucket: .[-2:];

def record:
  {callId, origCallId, xcid, direction, from, caller, to, diversion, legs: (.leg_ids // []),
   users, started, answered, ended,
   ring_s: (if .started_ms == null then null
            else seconds(.started_ms; .answered_ms // .ended_ms) end),
   talk_s: (if .answered_ms == null then null else seconds(.answered_ms; .ended_ms) end),
   answeredBy, cause,
   dtmf: ((.dtmf // []) | sort_by(.[0]) | map(.[1])),
   rule, outcome: (.outcome_word // outcome)};

# A call and its legs ($legs: their states) as one record: its own numbers,
# users, start and rule; the first answer of any leg; the end when every
# leg has ended, the latest; the last leg's cause and outcome; every leg's
# keys.
def merged($legs):
  if ($legs | length) == 0 then record
  else
    ($legs | sort_by([.started_ms // .first_ms, .callId])) as $ls
    | ([.] + $ls) as $all
    | ($all | to_entries | max_by([.value.started_ms // .value.first_ms, .key]) | .value) as $last
    | ([$all | to_entries[] | select(.value.answered_ms != null)]
       | if length == 0 then null else min_by([.value.answered_ms, .key]) | .value end) as $ans
    | (if any($all[]; .ended_ms == null) then null else ($all | map(.ended_ms) | max) end) as $fin
    | .leg_ids = ($ls | map(.callId))
    | if $ans != null then .answered = $ans.answered | .answered_ms = $ans.answered_ms
        | .answeredBy = $ans.answeredBy | .voicemail = $ans.voicemail else . end
    | .ended_ms = $fin
    | .ended = (if $fin == null then null
                else [$all[] | select(.ended_ms == $fin)][0].ended end)
    | .cause = $last.cause
    | .dtmf = [$all[] | (.dtmf // [])[]]
    | .outcome_word = (if rejected then "rejected" elif $fin == null then "open"
                       else ($last | outcome) end)
    | record
  end;

# The state of an open call by its id, or null.
def find($id): .open[$id | bucket][$id];

# A leg whose origCallId names another call still open and not yet due is
# tied to that call (to the one that call is tied to, if it is a leg
# itself), once.
def tie($id):
  find($id) as $c
  | if $c.parent == null and (($c.legs // []) | length) == 0
       and ($c.origCallId | type) == "string" and $c.origCallId != "" and $c.origCallId != $id
       and find($c.origCallId) != null
    then (find($c.origCallId) | .parent // .callId) as $root
    | if $root == $id or find($root).due < .now then .
      else .open[$id | bucket][$id].parent = $root
        | .open[$root | bucket][$root].legs += [$id]
      end
    else . end;

# A call's due, its legs' too; the next flush no later than it.
def redue($id):
  (find($id).parent // $id) as $r
  | . as $s
  | ([find($r).own_due] + [(find($r).legs // [])[] as $l | $s | find($l) | .own_due] | max) as $d
  | .open[$r | bucket][$r].due = $d
  | if .next_due == null or $d < .next_due then .next_due = $d else . end;

# Prints (into .emit) the calls that are due (final for more than a minute,
# or silent for 4 hours), oldest first, and forgets them but for a minute
# of their ids.  A look costs what all open calls hold, so the next one is
# at least 30 seconds (of log time) and an eighth as many lines as there
# are open calls away: the cost per line stays constant however many calls
# are open, and a call comes out that much later than due.
def flush:
  .now as $now
  | . as $s
  | [.open[][] | select(.parent == null and .due < $now)] as $due
  | .emit = ($due | sort_by(.due) | map(merged([(.legs // [])[] as $l | $s | find($l)])))
  | ([$due[] | .callId, (.legs // [])[]]) as $gone
  | .nopen -= ($gone | length)
  | .lines = 0
  | reduce $gone[] as $id (.; del(.open[$id | bucket][$id]) | .done[$id] = $now)
  # jq 1.6 does not reuse the room of a deleted key: built anew, an
  # object stays as small as what it holds, and so does copying it.
  | .open |= map_values(with_entries(.))
  | .done |= with_entries(select(.value >= $now - 60000))
  | .next_due = ([([.open[][] | select(.parent == null) | .due] | min), $now + 30000] | max);

# The state: open calls, calls printed within the last minute (to drop
# their late duplicates), the latest time seen, when the next call is due,
# the lines skipped.  Work per line is constant but for a flush, whose cost
# is spread over the lines between two flushes.
def step($line):
  if $line.v | (type == "object" and (.event | type) == "string"
                and (.params.callId | first_value | type) == "string"
                and (.received | type) == "string" and (.received | ms) != null)
  then
    $line.v as $e
    | ($e.received | ms) as $t
    | ($e.params.callId | first_value) as $id
    | ($id | bucket) as $b
    | (if $e.event == "dtmf" then $e else $e.params end | tojson) as $key
    | .emit = []
    | .now = ([.now, $t] | max)
    | if .done[$id] != null and .done[$id] >= .now - 60000 then .
      elif .open[$b][$id].seen[$key] then .
      else
        (if .open[$b][$id] == null then .nopen += 1 else . end)
        | .open[$b][$id] = ((.open[$b][$id] // {dtmf: [], seen: {}}) | merge($e; $t) | .seen[$key] = true
                          | .final = final_ms | .own_due = own_due)
        | tie($id)
        | redue($id)
      end
    | .lines += 1
    | if .next_due != null and .now > .next_due and .lines * 8 >= .nopen then flush else . end
  else
    .emit = [] | .skipped += 1
  end;

# The calls left at the end: the final ones in the order they finished,
# then the open ones in the order they began.
def rest:
  . as $s
  | def whole: merged([(.legs // [])[] as $l | $s | find($l)]);
  ([.open[][] | select(.parent == null and .final != null)] | sort_by(.final) | map(whole))
  + ([.open[][] | select(.parent == null and .final == null)]
     | sort_by([.started_ms, .answered_ms, .ended_ms] | map(select(. != null)) | min)
     | map(whole));

label $out
| foreach range(0; 1e18) as $_
    ({open: {}, done: {}, now: 0, next_due: null, nopen: 0, lines: 0, skipped: 0, emit: [],
      eof: false};
     next_line as $line
     | if $line.eof then .eof = true else step($line) end;
     if .eof then
       rest[],
       (if .skipped > 0
        then "calls.jq: skipped \(.skipped) lines that are not events" | stderr | empty
        else empty end),
       break $out
     else .emit[] end)
