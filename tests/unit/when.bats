#!/usr/bin/env bats
# Time and dates in the call rules: half-open windows, weekdays, zones
# checked at load time, DST, dates with Easter offsets.

load ../helpers

setup() {
	common_setup
	R="$T/rules"
	B='event=newCall&direction=in&from=492111234567'
}

# at 'LINES' AT: "hit" if the rule "when ... do hangup" fired at AT.
at() {
	printf 'version 1\n%s\nend\n' "$1" > "$R"
	if env -i TZ="${PROCESS_TZ:-}" SIPGATE_WEBHOOK_URL=https://x.example/ ${MEMCHECK:-} "$PROG" --explain "$R" --at "$2" "$B" |
		grep -q '<Hangup/>'; then echo hit; else echo miss; fi
}

# epoch 'YYYY-MM-DD HH:MM:SS' ZONE: the instant of a wall-clock time.
epoch() {
	TZ=$2 date -d "$1" +@%s
}

load_error() {
	printf 'version 1\n%s\nend\n' "$1" > "$R"
	prog --check "$R"
	assert_failure 1
	assert_output --partial "$2"
}

@test "windows are half-open: 07:59:59 out, 08:00 in, 17:59:59 in, 18:00 out" {
	h='timezone Europe/Berlin
hours o mon-fri 08:00-18:00
when time @o do hangup'
	assert_equal "$(at "$h" "$(epoch '2026-03-04 07:59:59' Europe/Berlin)")" miss
	assert_equal "$(at "$h" "$(epoch '2026-03-04 08:00:00' Europe/Berlin)")" hit
	assert_equal "$(at "$h" "$(epoch '2026-03-04 17:59:59' Europe/Berlin)")" hit
	assert_equal "$(at "$h" "$(epoch '2026-03-04 18:00:00' Europe/Berlin)")" miss
	h='timezone UTC
hours all daily 00:00-24:00
when time @all do hangup'
	assert_equal "$(at "$h" @0)" hit
	assert_equal "$(at "$h" "$(epoch '2026-03-04 23:59:59' UTC)")" hit
	h='timezone UTC
hours o mon 8:00-9:30
when time @o do hangup'
	assert_equal "$(at "$h" "$(epoch '2026-03-02 08:00:00' UTC)")" hit
	assert_equal "$(at "$h" "$(epoch '2026-03-02 09:30:00' UTC)")" miss
}

@test "bad windows: 24:00 as a start, 08:60, an empty window, midnight crossing" {
	load_error 'hours h mon 24:00-24:00' '24:00-24:00: a window cannot start at 24:00'
	load_error 'hours h mon 08:60-09:00' 'bad time range "08:60-09:00"'
	load_error 'hours h mon 08:00-08:00' '08:00-08:00 is an empty window'
	load_error 'hours h mon 22:00-06:00' '22:00-06:00 crosses midnight; write 22:00-24:00 and 00:00-06:00 on the right days'
	load_error 'hours h monday 08:00-09:00' 'bad days "monday"'
	load_error 'hours h mon' 'hours NAME takes pairs of DAYS RANGES'
}

@test "weekdays: fri-mon wraps, daily, lists, Sunday" {
	h='timezone UTC
hours w fri-mon 10:00-11:00
when time @w do hangup'
	# 2026-03-06 is a Friday.
	for d in 06:hit 07:hit 08:hit 09:hit 10:miss 11:miss 12:miss; do
		assert_equal "$(at "$h" "$(epoch "2026-03-${d%:*} 10:30" UTC)")" "${d#*:}"
	done
	h='timezone UTC
hours w mon,wed,sun 10:00-11:00 tue-wed,fri 12:00-13:00
when time @w do hangup'
	assert_equal "$(at "$h" "$(epoch '2026-03-08 10:30' UTC)")" hit
	assert_equal "$(at "$h" "$(epoch '2026-03-11 10:30' UTC)")" hit
	assert_equal "$(at "$h" "$(epoch '2026-03-12 10:30' UTC)")" miss
	assert_equal "$(at "$h" "$(epoch '2026-03-10 12:30' UTC)")" hit
	assert_equal "$(at "$h" "$(epoch '2026-03-13 12:30' UTC)")" hit
	assert_equal "$(at "$h" "$(epoch '2026-03-12 12:30' UTC)")" miss
}

@test "zones: typos, paths out of zoneinfo and garbage are refused; POSIX strings work" {
	load_error 'timezone Europe/Berlinn' 'unknown time zone "Europe/Berlinn" (no /usr/share/zoneinfo/Europe/Berlinn)'
	load_error 'timezone ../../etc/passwd' 'unknown time zone "../../etc/passwd"'
	load_error 'timezone garbage123' 'unknown time zone "garbage123"'
	load_error 'timezone CET-25' 'unknown time zone "CET-25"'
	for z in UTC Europe/Berlin CET-1CEST,M3.5.0,M10.5.0/3 UTC0 '<+0530>-5:30'; do
		printf 'version 1\ntimezone %s\nend\n' "$z" > "$R"
		prog --check "$R"
		assert_success
	done
	# The POSIX form gives Berlin's answers across both DST changes.
	for t in 1774745999 1774746000 1774756799 1774756800 1792888200 1792891800 1792904399 1792904400; do
		a=$(at 'timezone Europe/Berlin
hours night daily 00:00-06:00,22:00-24:00
when time @night do hangup' "@$t")
		b=$(at 'timezone CET-1CEST,M3.5.0,M10.5.0/3
hours night daily 00:00-06:00,22:00-24:00
when time @night do hangup' "@$t")
		assert_equal "$a" "$b"
	done
}

@test "a chroot without zoneinfo: names are refused, POSIX strings still work" {
	mkdir "$T/zoneinfo"
	printf 'version 1\ntimezone Europe/Berlin\nend\n' > "$R"
	run env -i TZDIR="$T/zoneinfo" ${MEMCHECK:-} "$PROG" --check "$R"
	assert_failure 1
	assert_output "$R:2: unknown time zone \"Europe/Berlin\" (no $T/zoneinfo/Europe/Berlin)"
	printf 'version 1\ntimezone CET-1CEST,M3.5.0,M10.5.0/3\nend\n' > "$R"
	run env -i TZDIR="$T/zoneinfo" ${MEMCHECK:-} "$PROG" --check "$R"
	assert_success
}

@test "the rules' zone wins over the process's TZ (example 8 under UTC and New York)" {
	for PROCESS_TZ in UTC America/New_York Asia/Tokyo; do
		export PROCESS_TZ
		h='timezone Europe/Berlin
hours night daily 00:00-06:00,22:00-24:00
when time @night do hangup'
		assert_equal "$(at "$h" @1774756799)" hit
		assert_equal "$(at "$h" @1774756800)" miss
		assert_equal "$(at "$h" @1792904399)" hit
		assert_equal "$(at "$h" @1792904400)" miss
	done
}

@test "dates: 02-29 only in leap years, impossible dates refused, ranges across a year end" {
	d='timezone UTC
dates leap 02-29
when date @leap do hangup'
	assert_equal "$(at "$d" "$(epoch '2028-02-29 12:00' UTC)")" hit
	assert_equal "$(at "$d" "$(epoch '2027-03-01 12:00' UTC)")" miss
	load_error 'dates d 2026-02-29' 'bad date "2026-02-29"'
	load_error 'dates d 02-30' 'bad date "02-30"'
	load_error 'dates d 2026-12-31..2026-12-24' 'date range ends before it starts'
	d='timezone UTC
dates x 2026-12-24..2027-01-06
when date @x do hangup'
	assert_equal "$(at "$d" "$(epoch '2026-12-23 23:59' UTC)")" miss
	assert_equal "$(at "$d" "$(epoch '2026-12-24 00:00' UTC)")" hit
	assert_equal "$(at "$d" "$(epoch '2027-01-01 12:00' UTC)")" hit
	assert_equal "$(at "$d" "$(epoch '2027-01-06 23:59' UTC)")" hit
	assert_equal "$(at "$d" "$(epoch '2027-01-07 00:00' UTC)")" miss
}

@test "Easter: the vectors 2024-2030 and the German movable holidays" {
	for row in 2024-03-31 2025-04-20 2026-04-05 2027-03-28 2028-04-16 2029-04-01 2030-04-21; do
		for off in -2 +1 +39 +50 +60; do
			day=$(date -u -d "$row $off days" +%Y-%m-%d)
			assert_equal "$(at "timezone UTC
dates h easter$off
when date @h do hangup" "$(epoch "$day 12:00" UTC)")" hit
			assert_equal "$(at "timezone UTC
dates h easter$off
when date @h do hangup" "$(epoch "$day 12:00 +1 day" UTC)")" miss
		done
		assert_equal "$(at 'timezone UTC
dates h easter
when date @h do hangup' "$(epoch "$row 12:00" UTC)")" hit
	done
	# easter+366 of 2026 falls in 2027.
	assert_equal "$(at 'timezone UTC
dates h easter+366
when date @h do hangup' "$(epoch '2027-04-06 12:00' UTC)")" hit
	load_error 'dates h easter+367' 'easter+N or easter-N with N from 0 to 366'
}

@test "New Year is local: 23:00 UTC on 12-31 is 01-01 in Berlin" {
	d='timezone Europe/Berlin
dates ny 01-01
when date @ny do hangup'
	assert_equal "$(at "$d" @1798758000)" hit
	assert_equal "$(at "$d" @1798757999)" miss
}

@test "the record's time and the rules' time come from SIPGATE_NOW in tests" {
	printf 'version 1\ntimezone Europe/Berlin\nhours o mon-fri 08:00-18:00\nwhen time @o do hangup\nend\n' > "$R"
	post "$B" SIPGATE_RULES="$R" SIPGATE_NOW=@1772615700 SIPGATE_WEBHOOK_URL=https://x.example/
	assert_status 200
	assert_equal "$(last_record -r .received)" 2026-03-04T09:15:00.000Z
	run cat "$T/body"
	assert_output --partial '<Hangup/>'
	post "$B" SIPGATE_RULES="$R" SIPGATE_NOW=yesterday
	assert_status 500
}
