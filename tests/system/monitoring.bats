#!/usr/bin/env bats
# Monitoring that notices when call control has silently stopped: the real
# mtail runs contrib/sipgate-webhook.mtail over the program's event log and
# over what it sends to syslog (a /dev/log the test owns, in a private mount
# namespace, written out as a syslog file), and the real Prometheus scrapes
# mtail and evaluates contrib/sipgate-webhook.rules.yml.  Only the rules'
# waiting times are shortened: hours to seconds, office hours to always.

load ../helpers
load ../lib/fcgi

have_parts() {
	command -v mtail > /dev/null && command -v prometheus > /dev/null && command -v unshare > /dev/null
}

setup_file() {
	if { ! have_parts || [ "$(id -u)" != 0 ]; } && [ "${CI:-}" = true ]; then
		echo "mtail, prometheus or root missing, and CI=true" >&2
		return 1
	fi
}

setup() {
	common_setup
	have_parts || skip "mtail and prometheus are needed (apt-get install mtail prometheus)"
	[ "$(id -u)" = 0 ] || skip_unless_ci_root
	: > "$LOG"
	: > "$T/syslog"
	mkdir "$T/dev" "$T/progs"
	python3 "$TOP/tests/tools/syslog-listener" "$T/dev/log" "$T/syslog" 300 3>&- &
	LISTENER=$!
	for _ in $(seq 1 100); do [ -e "$T/syslog.ready" ] && break; sleep 0.05; done
	CGI_WRAPPER="$TOP/tests/tools/with-private-dev $T/dev ${MEMCHECK:-}"

	MTAIL_PORT=$(free_port)
	cp "$TOP/contrib/sipgate-webhook.mtail" "$T/progs/"
	mtail --progs "$T/progs" --logs "$T/syslog,$LOG" --address 127.0.0.1 --port "$MTAIL_PORT" \
		--logtostderr > "$T/mtail.out" 2>&1 3>&- &
	MTAIL=$!
	wait_http "http://127.0.0.1:$MTAIL_PORT/metrics"

	PROM_PORT=$(free_port)
	sed -e 's/3 \* 3600/3/' -e 's/hour() >= 7 and hour() < 17/hour() >= 0/' \
		-e 's/day_of_week() >= 1 and day_of_week() <= 5/day_of_week() >= 0/' \
		-e 's/for: 3h/for: 3s/' "$TOP/contrib/sipgate-webhook.rules.yml" > "$T/rules.yml"
	cat > "$T/prometheus.yml" <<-EOF
		global:
		  scrape_interval: 1s
		  evaluation_interval: 1s
		rule_files: ["$T/rules.yml"]
		scrape_configs:
		  - job_name: mtail
		    static_configs: [{targets: ["127.0.0.1:$MTAIL_PORT"]}]
	EOF
	prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb" \
		--web.listen-address="127.0.0.1:$PROM_PORT" > "$T/prometheus.out" 2>&1 3>&- &
	PROM=$!
	wait_http "http://127.0.0.1:$PROM_PORT/-/ready"
	# A counter's rise counts from a sample before it: let Prometheus have
	# the zeros first, as a Prometheus that has run for a while has.
	for _ in $(seq 100); do
		[ "$(query 'count(sipgate_webhook_valid_pushes_total)')" = 1 ] && return 0
		sleep 0.1
	done
	echo "Prometheus never scraped mtail" >&2
	return 1
}

# query EXPR: the value of an instant query's first result.
query() {
	curl -s "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1" |
		jq -r '.data.result[0].value[1] // empty'
}

teardown() {
	fcgi_teardown
	local p
	for p in ${PROM:-} ${MTAIL:-} ${LISTENER:-}; do
		kill "$p" 2> /dev/null || true
	done
	for p in ${PROM:-} ${MTAIL:-} ${LISTENER:-}; do
		wait "$p" 2> /dev/null || true
	done
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_http() {
	for _ in $(seq 150); do
		curl -sf -o /dev/null "$1" && return 0
		sleep 0.1
	done
	echo "nothing answers at $1" >&2
	cat "$T"/*.out >&2
	return 1
}

# The alerts Prometheus says are firing, one name a line.
firing() {
	curl -s "http://127.0.0.1:$PROM_PORT/api/v1/alerts" |
		jq -r '.data.alerts[] | select(.state == "firing") | .labels.alertname' | sort -u
}

# fires NAME: waits up to 30 s for NAME to fire.
fires() {
	for _ in $(seq 60); do
		firing | grep -qx "$1" && return 0
		sleep 0.5
	done
	echo "$1 did not fire; firing: $(firing | tr '\n' ' ')" >&2
	curl -s "http://127.0.0.1:$MTAIL_PORT/metrics" | grep '^sipgate' >&2
	return 1
}

not_firing() {
	if firing | grep -qx "$1"; then
		echo "$1 fires" >&2
		return 1
	fi
}

# The value of one mtail figure, labels as given.
figure() {
	curl -s "http://127.0.0.1:$MTAIL_PORT/metrics" | awk -v m="$1" 'index($1, m) == 1 { print $2 }'
}

@test "the figures appear in mtail: pushes by event and signature, the time of the last valid one, refusals" {
	post 'event=newCall&callId=A&from=49211123456'
	post 'event=hangup&callId=A&cause=cancel'
	post 'event=newCall&callId=B' SIPGATE_SIGNATURE=require
	assert_status 403
	sleep 1
	assert_equal "$(figure 'sipgate_webhook_pushes_total{event="newCall",prog="sipgate-webhook.mtail",signature="unchecked"}')" 1
	assert_equal "$(figure 'sipgate_webhook_pushes_total{event="hangup",prog="sipgate-webhook.mtail",signature="unchecked"}')" 1
	assert_equal "$(figure sipgate_webhook_valid_pushes_total)" 2
	assert_equal "$(figure sipgate_webhook_unverified_pushes_total)" 1
	assert_equal "$(figure sipgate_webhook_log_failures_total)" 0
	[ -n "$(figure sipgate_webhook_last_valid_push_timestamp_seconds)" ]
	grep -q ' sipgate-webhook: refused: forbidden: no X-Sipgate-Signature header$' "$T/syslog"
}

@test "the log cannot be written: SipgateWebhookLogNotWritable fires" {
	post 'event=newCall&callId=A' SIPGATE_LOG="$T/missing/events.jsonl"
	assert_status 200
	fires SipgateWebhookLogNotWritable
}

@test "the health check finds the log unwritable: SipgateWebhookLogNotWritable fires" {
	cgi REQUEST_METHOD=GET SIPGATE_LOG="$T/missing/events.jsonl" < /dev/null
	assert_status 503
	fires SipgateWebhookLogNotWritable
}

@test "pushes refused while no valid one arrives (a key sipgate changed): SipgateWebhookPushesRefused fires" {
	post 'event=newCall&callId=A' SIPGATE_SIGNATURE=require HTTP_X_SIPGATE_SIGNATURE=AAAA
	assert_status 403
	fires SipgateWebhookPushesRefused
}

@test "pushes taken with a bad signature in log mode count as refused ones" {
	post 'event=newCall&callId=A' SIPGATE_SIGNATURE=log
	assert_status 200
	fires SipgateWebhookPushesRefused
}

@test "a refused request beside valid pushes is a scanner, not a fault: nothing fires" {
	post 'event=newCall&callId=A' SIPGATE_SIGNATURE=require
	assert_status 403
	post 'event=newCall&callId=B'
	sleep 6
	not_firing SipgateWebhookPushesRefused
}

@test "the rules file cannot be read: SipgateWebhookConfigProblem fires" {
	post 'event=newCall&callId=A' SIPGATE_RULES="$T/no-such-rules"
	assert_status 200
	fires SipgateWebhookConfigProblem
}

@test "the address book cannot be read: SipgateWebhookConfigProblem fires" {
	post 'event=newCall&callId=A&from=49211123456' SIPGATE_PHONEBOOK="$T/no-such-book"
	assert_status 200
	fires SipgateWebhookConfigProblem
}

@test "no valid push for the set time in office hours: SipgateWebhookNoPushes fires" {
	post 'event=newCall&callId=A'
	not_firing SipgateWebhookNoPushes
	fires SipgateWebhookNoPushes
}

@test "no valid push since mtail started: SipgateWebhookNoPushesSinceStart fires" {
	fires SipgateWebhookNoPushesSinceStart
}
