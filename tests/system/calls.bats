#!/usr/bin/env bats
# Call records from the event log, for the logs of real life: the
# program's --calls and contrib/calls.jq with its recipes.  Each case
# writes its own log and compares field by field, and every log a case
# gives calls.jq is given to --calls too: the same records (as sets, in
# any order) and the same count of lines skipped.

load ../helpers

setup() {
	common_setup
	CALLS="$TOP/contrib/calls.jq"
	E="$T/events.jsonl"
	: > "$E"
}

# ev SECONDS EVENT [name=value | name[]=value | rule=JSON]...: appends a log
# line as the program writes it, received at 2026-11-26 10:00 + SECONDS.
ev() {
	local s=$1 e=$2
	shift 2
	jq -cn --arg s "$s" --arg e "$e" '
		($s | tonumber) as $sec
		| (1795687200 + ($sec | floor)) as $t
		| (($sec - ($sec | floor)) * 1000 | round) as $ms
		| reduce ($ARGS.positional[] | capture("^(?<k>[^=]+)=(?<v>.*)$")) as $kv
			({received: (($t | todate | .[0:19]) + "." + ("00\($ms)" | .[-3:]) + "Z"),
			  event: $e, signature: "valid", remote_addr: "217.116.118.254", params: {event: $e}};
			 if $kv.k == "rule" then .rule = ($kv.v | fromjson)
			 elif ($kv.k | endswith("[]")) then .params[$kv.k[:-2]] += [$kv.v]
			 else .params[$kv.k] = $kv.v end)
		| {received, event, signature, remote_addr} + (if .rule then {rule} else {} end) + {params}' \
		--args "$@" >> "$E"
}

calls() {
	jq -c -n -R -f "$CALLS" "$@" 2> "$T/calls.err" > "$T/calls"
	env -i "$PROG" --calls "$@" 2> "$T/c.err" > "$T/c.calls"
	assert_equal "$(jq -cS . "$T/c.calls" | sort)" "$(jq -cS . "$T/calls" | sort)"
	assert_equal "$(sed 's/^sipgate-webhook: //' "$T/c.err")" "$(sed 's/^"calls.jq: //; s/"$//' "$T/calls.err")"
}

# field CALLID FILTER: the filter applied to that call's record.
field() {
	jq -c --arg id "$1" "select(.callId == \$id) | $2" "$T/calls"
}

@test "an answered call: every field, seconds from the millisecond timestamps" {
	ev 0 newCall direction=in from=492111234567 to=492111234560 callId=A origCallId=A xcid=x1 \
		'user[]=Alice' 'user[]=Bob' 'rule={"line":12,"action":"gather"}'
	ev 4.25 answer callId=A user=Alice answeringNumber=4921199 from=492111234567 to=492111234560 direction=in
	ev 5 dtmf callId=A dtmf=1
	ev 6.5 dtmf callId=A dtmf=1
	ev 7 dtmf callId=A dtmf=2
	ev 64.75 hangup callId=A cause=normalClearing
	calls "$E"
	assert_equal "$(cat "$T/calls")" '{"callId":"A","origCallId":"A","xcid":"x1","direction":"in","from":"492111234567","caller":null,"to":"492111234560","diversion":null,"legs":[],"users":["Alice","Bob"],"started":"2026-11-26T10:00:00.000Z","answered":"2026-11-26T10:00:04.250Z","ended":"2026-11-26T10:01:04.750Z","ring_s":4.25,"talk_s":60.5,"answeredBy":"Alice","cause":"normalClearing","dtmf":["1","1","2"],"rule":{"line":12,"action":"gather"},"outcome":"answered"}'
	assert_equal "$(cat "$T/calls.err")" ""
}

@test "every outcome: answered, voicemail, missed, busy, rejected, forwarded, failed, open" {
	ev 0 newCall direction=in from=1 to=2 callId=ans
	ev 1 answer callId=ans user=Alice
	ev 2 hangup callId=ans cause=normalClearing
	ev 0 newCall direction=in from=1 to=2 callId=vm
	ev 20 answer callId=vm user=voicemail
	ev 50 hangup callId=vm cause=normalClearing
	for c in cancel noAnswer; do
		ev 0 newCall direction=in from=1 to=2 callId=$c
		ev 15 hangup callId=$c cause=$c
	done
	ev 0 newCall direction=in callId=busy
	ev 1 hangup callId=busy cause=busy
	ev 0 newCall direction=in callId=fwd
	ev 1 hangup callId=fwd cause=forwarded
	for c in congestion notFound somethingNew; do
		ev 0 newCall direction=in callId=$c
		ev 1 hangup callId=$c cause=$c
	done
	ev 0 newCall direction=in from=anonymous callId=rej 'rule={"line":3,"action":"reject"}'
	ev 0 newCall direction=in callId=rejh 'rule={"line":3,"action":"reject"}'
	ev 0.5 hangup callId=rejh cause=normalClearing
	ev 0 newCall direction=in callId=open1
	ev 0 newCall direction=in callId=open2
	ev 3 answer callId=open2 user=Bob
	# Busy or forwarded after an answer: the answer counts.
	ev 0 newCall direction=in callId=ansbusy
	ev 2 answer callId=ansbusy user=Bob
	ev 9 hangup callId=ansbusy cause=busy
	calls "$E"
	for row in ans:answered vm:voicemail cancel:missed noAnswer:missed busy:busy fwd:forwarded \
		congestion:failed notFound:failed somethingNew:failed rej:rejected rejh:rejected \
		open1:open open2:open ansbusy:answered; do
		assert_equal "${row%%:*} $(field "${row%%:*}" .outcome)" "${row%%:*} \"${row#*:}\""
	done
	assert_equal "$(wc -l < "$T/calls" | tr -d ' ')" 14
	assert_equal "$(field vm '[.answeredBy, .ring_s, .talk_s]')" '["voicemail",20,30]'
	assert_equal "$(field cancel '[.ring_s, .talk_s, .answered, .answeredBy]')" '[15,null,null,null]'
	assert_equal "$(field rej '[.ring_s, .ended, .rule]')" '[null,null,{"line":3,"action":"reject"}]'
	assert_equal "$(field open2 '[.ring_s, .talk_s, .ended]')" '[3,null,null]'
}

@test "answer and hangup without the newCall (it is in last week's file)" {
	ev 100 answer callId=late user=Carol from=4930 to=4921 direction=in answeringNumber=4921199
	ev 160 hangup callId=late cause=normalClearing
	calls "$E"
	assert_equal "$(field late '[.started, .ring_s, .users, .talk_s, .from, .to, .direction, .outcome]')" \
		'[null,null,null,60,"4930","4921","in","answered"]'
	# With the older file first, the call is whole again.
	: > "$E"
	ev 90 newCall direction=in from=4930 to=4921 callId=late 'user[]=Zentrale'
	mv "$E" "$T/old.jsonl"
	ev 100 answer callId=late user=Carol
	ev 160 hangup callId=late cause=normalClearing
	calls "$T/old.jsonl" "$E"
	assert_equal "$(field late '[.started, .ring_s, .users, .outcome]')" '["2026-11-26T10:01:30.000Z",10,["Zentrale"],"answered"]'
}

@test "the same event twice (a replayed request, a resent line) counts once; a digit typed twice twice" {
	ev 0 newCall direction=in from=1 to=2 callId=R
	ev 0 newCall direction=in from=1 to=2 callId=R
	ev 3 newCall direction=in from=1 to=2 callId=R
	ev 5 answer callId=R user=Alice
	ev 6 dtmf callId=R dtmf=5
	ev 6 dtmf callId=R dtmf=5
	ev 8 dtmf callId=R dtmf=5
	ev 9 answer callId=R user=Alice
	ev 20 hangup callId=R cause=normalClearing
	ev 20 hangup callId=R cause=normalClearing
	calls "$E"
	assert_equal "$(wc -l < "$T/calls" | tr -d ' ')" 1
	assert_equal "$(field R '[.started, .answered, .ring_s, .talk_s, .dtmf, .outcome]')" \
		'["2026-11-26T10:00:00.000Z","2026-11-26T10:00:05.000Z",5,15,["5","5"],"answered"]'
}

@test "lines out of order: the times decide, not the lines" {
	ev 10.002 hangup callId=O cause=normalClearing
	ev 10.001 dtmf callId=O dtmf=2
	ev 2 answer callId=O user=Alice
	ev 5 dtmf callId=O dtmf=1
	ev 0 newCall direction=in callId=O
	calls "$E"
	assert_equal "$(field O '[.ring_s, .talk_s, .dtmf, .outcome]')" '[2,8.002,["1","2"],"answered"]'
}

@test "a forward's leg is tied to its call by origCallId: one record, the last leg's outcome" {
	ev 0 newCall direction=in from=1 to=2 callId=leg1 origCallId=leg1 'user[]=Anna'
	ev 1 hangup callId=leg1 cause=forwarded
	ev 1 newCall direction=in from=1 to=3 callId=leg2 origCallId=leg1 diversion=2 'user[]=Bob'
	ev 3 answer callId=leg2 user=Bob
	ev 4 dtmf callId=leg2 dtmf=5
	ev 9 hangup callId=leg2 cause=normalClearing
	calls "$E"
	assert_equal "$(jq -c '[.callId, .origCallId, .legs, .to, .diversion, .users, .answeredBy, .ring_s, .talk_s, .ended, .cause, .dtmf, .outcome]' "$T/calls")" \
		'["leg1","leg1",["leg2"],"2",null,["Anna"],"Bob",3,6,"2026-11-26T10:00:09.000Z","normalClearing",["5"],"answered"]'
}

@test "a call nobody took that went on to the voicemail is one call that went to the voicemail" {
	ev 0 newCall direction=in from=491 to=492 callId=A origCallId=A 'user[]=Anna'
	ev 20 hangup direction=in from=491 to=492 callId=A origCallId=A cause=forwarded
	ev 20.1 newCall direction=in from=491 to=492 callId=V origCallId=A 'user[]=voicemail'
	ev 20.6 answer callId=V origCallId=A user=voicemail
	ev 50 hangup callId=V origCallId=A cause=normalClearing
	ev 30 newCall direction=in from=493 to=492 callId=B origCallId=B
	ev 40 hangup callId=B cause=cancel
	calls "$E"
	assert_equal "$(jq -c 'select(.callId == "A") | [.legs, .outcome, .ring_s, .talk_s]' "$T/calls")" '[["V"],"voicemail",20.6,29.4]'
	assert_equal "$(jq -c '.callId' "$T/calls" | sort | tr '\n' ' ')" '"A" "B" '
	"$PROG" --calls --format csv "$E" > "$T/calls.csv"
	grep -q '"A","A","V"$' "$T/calls.csv"
}

@test "legs: a leg of a leg joins the first call; a leg still open keeps the call open" {
	ev 0 newCall direction=in from=1 to=2 callId=A origCallId=A
	ev 1 hangup callId=A cause=forwarded
	ev 1 newCall direction=in from=1 to=3 callId=B origCallId=A
	ev 2 hangup callId=B cause=forwarded
	ev 2 newCall direction=in from=1 to=4 callId=C origCallId=B
	ev 3 answer callId=C user=Carol
	calls "$E"
	assert_equal "$(jq -c '[.callId, .legs, .ended, .outcome]' "$T/calls")" '["A",["B","C"],null,"open"]'
}

@test "legs: a leg that comes after its call was printed is a record of its own" {
	ev 0 newCall direction=in from=1 to=2 callId=A origCallId=A
	ev 1 hangup callId=A cause=forwarded
	ev 200 newCall direction=in from=1 to=3 callId=L origCallId=A
	ev 201 hangup callId=L cause=normalClearing
	calls "$E"
	assert_equal "$(jq -c '[.callId, .legs, .outcome]' "$T/calls" | sort | tr '\n' ' ')" '["A",[],"forwarded"] ["L",[],"failed"] '
}

@test "missing fields are null; lines that are not events are skipped and counted" {
	ev 0 newCall callId=M
	ev 1 hangup callId=M
	{
		echo 'not json at all'
		echo '{"received":"2026-11-26T10:00:02.000Z","event":"hangup","params":{}}'
		echo '[1,2,3]'
		echo '{"event":"answer","params":{"callId":"M"}}'
		echo '"a string"'
	} >> "$E"
	ev 2 dtmf callId=M
	calls "$E"
	assert_equal "$(cat "$T/calls")" '{"callId":"M","origCallId":null,"xcid":null,"direction":null,"from":null,"caller":null,"to":null,"diversion":null,"legs":[],"users":null,"started":"2026-11-26T10:00:00.000Z","answered":null,"ended":"2026-11-26T10:00:01.000Z","ring_s":1,"talk_s":null,"answeredBy":null,"cause":null,"dtmf":["null"],"rule":null,"outcome":"failed"}'
	run cat "$T/calls.err"
	assert_output '"calls.jq: skipped 5 lines that are not events"'
}

@test "the part of a record a killed writer left, ended by the next writer, costs only its own line" {
	ev 0 newCall callId=T
	printf '{"received":"2026-11-26T10:00:00.500Z","event":"dtmf","params":{"callId":"T","dt\n' >> "$E"
	ev 1 hangup callId=T cause=normalClearing
	calls "$E"
	assert_equal "$(field T '[.ended, .cause, .outcome]')" '["2026-11-26T10:00:01.000Z","normalClearing","failed"]'
	run cat "$T/calls.err"
	assert_output '"calls.jq: skipped 1 lines that are not events"'
}

@test "streaming: a call is printed a minute after it ended, in the order calls finished" {
	ev 0 newCall direction=in callId=first
	ev 1 newCall direction=in callId=second
	ev 30 hangup callId=second cause=cancel
	ev 40 hangup callId=first cause=cancel
	ev 200 newCall direction=in callId=third
	ev 300 newCall direction=in callId=fourth
	calls "$E"
	assert_equal "$(jq -r .callId "$T/calls" | tr '\n' ' ')" 'second first third fourth '
	# Printed before the input ended: the same output for a log cut after
	# line 5 holds the first two already.
	head -n 5 "$E" > "$T/cut.jsonl"
	jq -c -n -R -f "$CALLS" "$T/cut.jsonl" > "$T/cut"
	assert_equal "$(jq -r .callId "$T/cut" | tr '\n' ' ')" 'second first third '
}

@test "a rejected call is final at once, without waiting for a hangup" {
	ev 0 newCall direction=in callId=rej 'rule={"line":3,"action":"reject"}'
	ev 90 newCall direction=in callId=other
	calls "$E"
	assert_equal "$(jq -r .callId "$T/calls" | tr '\n' ' ')" 'rej other '
}

@test "a line more than a minute after its call was printed starts a second record" {
	ev 0 newCall direction=in callId=D
	ev 5 hangup callId=D cause=cancel
	ev 100 newCall direction=in callId=X
	ev 130 hangup callId=D cause=cancel
	ev 300 newCall direction=in callId=Y
	ev 301 hangup callId=D cause=normalClearing
	calls "$E"
	assert_equal "$(jq -c 'select(.callId == "D") | [.started, .cause]' "$T/calls" | tr '\n' ' ')" \
		'["2026-11-26T10:00:00.000Z","cancel"] [null,"normalClearing"] '
}

@test "recipes: CSV for spreadsheets, missed calls since yesterday, a daily summary per number" {
	ev 0 newCall direction=in from=4930 to=4921 callId=a 'user[]=Zentrale'
	ev 3 answer callId=a user=Alice
	ev 63 hangup callId=a cause=normalClearing
	ev 10 newCall direction=in from=4940 to=4921 callId=b
	ev 30 hangup callId=b cause=noAnswer
	ev 20 newCall direction=in from=4950 to=4922 callId=c
	ev 24 hangup callId=c cause=cancel
	calls "$E"
	jq -r -n -f "$TOP/contrib/calls-csv.jq" "$T/calls" > "$T/calls.csv"
	assert_equal "$(head -n 1 "$T/calls.csv")" '"started","answered","ended","direction","from","caller","to","diversion","outcome","ring_s","talk_s","answeredBy","cause","users","dtmf","rule_line","callId","origCallId","legs"'
	assert_equal "$(wc -l < "$T/calls.csv" | tr -d ' ')" 4
	python3 -c 'import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
a = [r for r in rows if r["callId"] == "a"][0]
assert a["outcome"] == "answered" and a["ring_s"] == "3" and a["talk_s"] == "60" and a["users"] == "Zentrale", a
assert sorted(r["outcome"] for r in rows) == ["answered", "missed", "missed"]' "$T/calls.csv"
	# --calls writes the same CSV, the rows in the order the calls finished.
	env -i "$PROG" --calls --format csv "$E" > "$T/c.csv"
	assert_equal "$(head -n 1 "$T/c.csv")" "$(head -n 1 "$T/calls.csv")"
	assert_equal "$(tail -n +2 "$T/c.csv" | sort)" "$(tail -n +2 "$T/calls.csv" | sort)"
	# Missed since a day (the README's one-liner, with a fixed "yesterday").
	run sh -c "'$PROG' --calls --since 2026-11-25T00:00:00+01:00 '$E' | jq -r 'select(.outcome == \"missed\") | [.started, .from, .to] | @tsv'"
	# In the order the calls finished.
	assert_line --index 0 "$(printf '2026-11-26T10:00:20.000Z\t4950\t4922')"
	assert_line --index 1 "$(printf '2026-11-26T10:00:10.000Z\t4940\t4921')"
	assert_equal "${#lines[@]}" 2
	jq -c -n -f "$TOP/contrib/calls-daily.jq" "$T/calls" > "$T/daily"
	assert_equal "$(cat "$T/daily")" '{"day":"2026-11-26","to":"4921","calls":2,"answered":1,"missed":1,"mean_ring_s":11.5}
{"day":"2026-11-26","to":"4922","calls":1,"answered":0,"missed":1,"mean_ring_s":4}'
}

@test "calls-daily.jq counts by the local day: 00:30 in Berlin is not the day before" {
	printf '%s\n' '{"started":"2026-11-25T23:30:00.000Z","to":"4921","outcome":"missed","ring_s":5}' \
		'{"started":"2026-11-25T10:00:00.000Z","to":"4921","outcome":"answered","ring_s":3}' > "$T/calls"
	run env TZ=Europe/Berlin jq -c -n -f "$TOP/contrib/calls-daily.jq" "$T/calls"
	assert_success
	assert_line --index 0 '{"day":"2026-11-25","to":"4921","calls":1,"answered":1,"missed":0,"mean_ring_s":3}'
	assert_line --index 1 '{"day":"2026-11-26","to":"4921","calls":1,"answered":0,"missed":1,"mean_ring_s":5}'
	run env TZ=UTC jq -c -n -f "$TOP/contrib/calls-daily.jq" "$T/calls"
	assert_line --index 0 '{"day":"2026-11-25","to":"4921","calls":2,"answered":1,"missed":1,"mean_ring_s":4}'
}

# silent_calls N: N newCalls a second apart, none answered or ended (what
# SIPGATE_FOLLOW=none leaves in the log).
silent_calls() {
	python3 -c '
import datetime, json, sys
t0 = datetime.datetime(2026, 11, 26, 10, 0, 0)
for i in range(int(sys.argv[1])):
    t = (t0 + datetime.timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    print(json.dumps({"received": t, "event": "newCall", "signature": "valid",
        "params": {"event": "newCall", "from": "4921112345", "to": "4930123456",
                   "direction": "in", "callId": "%032X" % (i * 2654435761 % (1 << 128))}},
        separators=(",", ":")))' "$1"
}

@test "calls that never end are printed as open after 4 hours of silence and forgotten: memory stays flat" {
	command -v /usr/bin/time > /dev/null || { [ "${CI:-}" != true ] || false; skip "GNU time is needed"; }
	silent_calls 15000 > "$T/short.jsonl"
	silent_calls 30000 > "$T/long.jsonl"
	for f in short long; do
		/usr/bin/time -f %M -o "$T/$f.rss" jq -c -n -R -f "$CALLS" "$T/$f.jsonl" > "$T/$f.calls"
	done
	echo "peak RSS: 15,000 calls $(cat "$T/short.rss") kB, 30,000 calls $(cat "$T/long.rss") kB" >&3
	assert_equal "$(jq -r .outcome "$T/long.calls" | sort | uniq -c | sed 's/^ *//')" "30000 open"
	# Twice the calls over twice the time: the same calls open at once.
	[ "$(cat "$T/long.rss")" -lt $(( $(cat "$T/short.rss") * 5 / 4 )) ]
	# Streaming: the first call comes out 4 hours (of log time) after it
	# began, while the input is still open.
	mkfifo "$T/pipe"
	{ head -n 15000 "$T/long.jsonl"; exec sleep 60; } > "$T/pipe" &
	feeder=$!
	jq --unbuffered -c -n -R -f "$CALLS" < "$T/pipe" > "$T/streamed" &
	reader=$!
	for i in $(seq 300); do [ -s "$T/streamed" ] && break; sleep 0.1; done
	kill "$feeder" 2> /dev/null || true
	wait "$reader" || true
	assert_equal "$(head -n 1 "$T/streamed" | jq -r '.callId + " " + .outcome + " " + .started')" \
		"00000000000000000000000000000000 open 2026-11-26T10:00:00.000Z"
}

@test "--calls streams: a call comes out a minute after it ended, while the log is still being read" {
	ev 0 newCall direction=in callId=first
	ev 5 hangup callId=first cause=cancel
	ev 100 newCall direction=in callId=second
	mkfifo "$T/pipe"
	{ cat "$E"; exec sleep 60; } > "$T/pipe" &
	feeder=$!
	"$PROG" --calls "$T/pipe" > "$T/streamed" &
	reader=$!
	for _ in $(seq 100); do [ -s "$T/streamed" ] && break; sleep 0.1; done
	# While the input is open (the reader waits for more): the first only.
	sleep 0.2
	cp "$T/streamed" "$T/snapshot"
	kill "$feeder" 2> /dev/null || true
	wait "$reader" || true
	assert_equal "$(jq -r .callId "$T/snapshot" | tr '\n' ' ')" 'first '
	# The call still open is printed at the end of the input.
	assert_equal "$(jq -r .callId "$T/streamed" | tr '\n' ' ')" 'first second '
}

@test "--calls: calls that never end are forgotten after 4 hours of silence; memory stays flat" {
	command -v /usr/bin/time > /dev/null || { [ "${CI:-}" != true ] || false; skip "GNU time is needed"; }
	silent_calls 20000 > "$T/short.jsonl"
	silent_calls 80000 > "$T/long.jsonl"
	for f in short long; do
		/usr/bin/time -f %M -o "$T/$f.rss" "$PROG" --calls "$T/$f.jsonl" > "$T/$f.calls"
	done
	echo "peak RSS: 20,000 calls $(cat "$T/short.rss") kB, 80,000 calls $(cat "$T/long.rss") kB" >&3
	assert_equal "$(jq -r .outcome "$T/long.calls" | sort | uniq -c | sed 's/^ *//')" "80000 open"
	# Four times the calls over four times the time: at most 14,400 open at once either way.
	[ "$(cat "$T/long.rss")" -lt $(( $(cat "$T/short.rss") * 5 / 4 )) ]
}

@test "--calls --since and --until keep the calls whose first event lies between them" {
	ev 0 newCall direction=in callId=early
	ev 10 hangup callId=early cause=cancel
	ev 3600 newCall direction=in callId=middle
	ev 3610 hangup callId=middle cause=cancel
	ev 7200 newCall direction=in callId=late
	run env -i "$PROG" --calls --since 2026-11-26T10:30:00Z --until 2026-11-26T12:30:00+01:00 "$E"
	assert_success
	assert_equal "$(printf '%s\n' "$output" | jq -r .callId | tr '\n' ' ')" 'middle '
	run env -i "$PROG" --calls --since @1795690800 "$E"
	assert_equal "$(printf '%s\n' "$output" | jq -r .callId | tr '\n' ' ')" 'middle late '
}

@test "--calls: a bad time, a missing log, a folder or a compressed rotation is refused with exit 2" {
	run env -i "$PROG" --calls --since yesterday "$E"
	assert_failure 2
	assert_output --partial "--since yesterday: want @EPOCH_SECONDS or 2026-03-04T19:30:00+01:00"
	run env -i "$PROG" --calls --format xml "$E"
	assert_failure 2
	assert_output --partial "usage:"
	run env -i "$PROG" --calls "$T/missing.jsonl"
	assert_failure 2
	assert_output "sipgate-webhook: $T/missing.jsonl: No such file or directory"
	run env -i "$PROG" --calls "$T"
	assert_failure 2
	assert_output --partial "a folder, not a log"
	ev 0 newCall direction=in callId=z
	gzip -k "$E"
	run env -i "$PROG" --calls "$E.gz"
	assert_failure 2
	assert_output --partial "compressed (gzip)"
}

@test "--calls over the program's own records: the caller's name, the outcome and the users it rang" {
	printf '0211 123456\tDr. Weber\n' > "$T/book"
	LOG="$T/real.jsonl"
	post 'event=newCall&direction=in&from=49211123456&to=4921199&callId=W&user%5B%5D=Alice' \
		SIPGATE_STATE_KEY=calls-test-state-key SIPGATE_PHONEBOOK="$T/book" SIPGATE_WEBHOOK_URL=https://pbx.example/hook \
		SIPGATE_NOW=@1795687200
	assert_status 200
	q=$(sed -n 's/.*onHangup="https:\/\/pbx.example\/hook?\([^"]*\)".*/\1/p' "$T/body" | sed 's/&amp;/\&/g')
	post 'event=hangup&cause=busy&callId=W&from=49211123456&to=4921199&direction=in' \
		SIPGATE_STATE_KEY=calls-test-state-key SIPGATE_PHONEBOOK="$T/book" SIPGATE_NOW=@1795687212 QUERY_STRING="$q"
	assert_status 200
	calls "$LOG"
	# sipgate's busy is the program's "missed"; the record says so, and wins.
	assert_equal "$(field W '[.caller, .outcome, .users, .ring_s, .cause]')" '["Dr. Weber","missed",["Alice"],12,"busy"]'
}

@test "--calls and calls.jq agree on a busy office's generated log of 20,000 events" {
	"$TOP/tests/bench/make-calls-log" 20000 > "$E"
	calls "$E"
	[ "$(wc -l < "$T/calls")" -gt 5000 ]
}

@test "--calls and calls.jq agree on a generated office's log with forwards to the voicemail and calls back" {
	"$TOP/tests/lib/make-office-month" 150 10 1796223600 > "$E"
	calls "$E"
	[ "$(jq -c 'select(.legs != [])' "$T/calls" | wc -l)" -gt 20 ]
	[ "$(jq -c 'select(.outcome == "voicemail")' "$T/calls" | wc -l)" -gt 20 ]
	assert_equal "$(jq -c 'select(.outcome == "forwarded")' "$T/calls" | wc -l)" 0
}
