# The writers' lock seen from outside: held by another process, and the
# program waiting on it.

# hold_lock: takes the writers' lock (.events.jsonl.lock beside the log)
# in the background until $T/release exists.
hold_lock() {
	touch "$LOG"
	flock "$T/.events.jsonl.lock" sh -c 'touch "$1/held"; while [ ! -e "$1/release" ]; do sleep 0.05; done' sh "$T" &
	HOLDER=$!
	while [ ! -e "$T/held" ]; do sleep 0.05; done
}

# wait_for_opener: returns once a process of the program (valgrind's too)
# has the writers' lock open, that is, waits for it.
wait_for_opener() {
	local i p
	for i in $(seq 1 200); do
		for p in $(pgrep -f sipgate-webhook); do
			[ "$(readlink "/proc/$p/exe")" != /usr/bin/flock ] || continue
			ls -l "/proc/$p/fd" 2> /dev/null | grep -q -- "-> $T/.events.jsonl.lock\$" && return 0
		done
		sleep 0.05
	done
	echo "the program never opened the writers' lock" >&2
	return 1
}
