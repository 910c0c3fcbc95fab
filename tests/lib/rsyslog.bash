# Private rsyslogd instances for the tests, each in its own folder under
# $RS with its own work directory (queues, imfile's state), started in
# the foreground of a new session and stopped by TERM, as systemd does.

# start_rsyslog NAME < CONF
start_rsyslog() {
	local name=$1
	mkdir -p "$RS/$name/work"
	{ echo "global(workDirectory=\"$RS/$name/work\")"; cat; } > "$RS/$name/rsyslog.conf"
	rsyslogd -N1 -f "$RS/$name/rsyslog.conf" > "$RS/$name/check" 2>&1 || { cat "$RS/$name/check" >&2; return 1; }
	rm -f "$RS/$name/pid"
	# Not on bats's own descriptor 3, which bats waits on.
	setsid rsyslogd -n -f "$RS/$name/rsyslog.conf" -i "$RS/$name/pid" >> "$RS/$name/out" 2>&1 3>&- &
	echo $! >> "$RS/pids"
	for _ in $(seq 50); do [ -s "$RS/$name/pid" ] && return 0; sleep 0.1; done
	echo "rsyslogd $name did not start" >&2
	cat "$RS/$name/out" >&2
	return 1
}

# restart_rsyslog NAME: again, with the configuration it had.
restart_rsyslog() {
	local name=$1
	sed 1d "$RS/$name/rsyslog.conf" > "$RS/$name/rsyslog.conf.again"
	start_rsyslog "$name" < "$RS/$name/rsyslog.conf.again"
}

stop_rsyslog() {
	local pid
	pid=$(cat "$RS/$1/pid")
	kill -TERM "$pid"
	# Its queues may take their 15 s to hand over what is under way.
	for _ in $(seq 400); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
	rm -f "$RS/$1/pid"
}

# Every rsyslogd these tests started and that still runs: TERM, and KILL
# for one that has not gone after 3 s (rsyslogd removes its pid file
# before its queues have stopped, so the list of its own is kept here).
kill_rsyslogs() {
	local p
	[ -f "$RS/pids" ] || return 0
	for p in $(cat "$RS/pids"); do
		kill -TERM "$p" 2> /dev/null
	done
	for _ in $(seq 30); do
		for p in $(cat "$RS/pids"); do
			kill -0 "$p" 2> /dev/null && break
			p=
		done
		[ -n "$p" ] || return 0
		sleep 0.1
	done
	for p in $(cat "$RS/pids"); do
		kill -KILL "$p" 2> /dev/null
	done
	return 0
}
