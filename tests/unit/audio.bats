#!/usr/bin/env bats
# --check-audio: whether each file is a WAV sipgate plays (8 kHz mono
# 16-bit PCM), and for each way one can be wrong, what is wrong and the
# command that converts it.  The files are made here, byte by byte.

load ../helpers

setup() {
	common_setup
}

# wav NAME [FORMAT RATE CHANNELS BITS DATA_BYTES [CUT]]: a RIFF/WAVE file in
# $T; FORMAT 0xFFFE is WAVE_FORMAT_EXTENSIBLE with a PCM subformat; CUT
# keeps only that many bytes.
wav() {
	python3 - "$T/$1" "${2:-1}" "${3:-8000}" "${4:-1}" "${5:-16}" "${6:-51200}" "${7:-0}" <<'EOP'
import struct, sys
path, fmt, rate, ch, bits, n, cut = sys.argv[1], *map(lambda v: int(v, 0), sys.argv[2:])
body = struct.pack('<HHIIHH', fmt, ch, rate, rate * ch * bits // 8, max(1, ch * bits // 8), bits)
if fmt == 0xFFFE:
    body += struct.pack('<HHIH', 22, bits, 4, 1) + bytes.fromhex('000000001000800000aa00389b71')
chunks = b'WAVE' + b'LIST' + struct.pack('<I', 3) + b'abc\0'
chunks += b'fmt ' + struct.pack('<I', len(body)) + body + b'data' + struct.pack('<I', n) + b'\1' * n
data = b'RIFF' + struct.pack('<I', len(chunks)) + chunks
open(path, 'wb').write(data[:cut] if cut else data)
EOP
}

audio() {
	prog --check-audio "$@"
}

SOX="convert it: sox"

@test "8 kHz mono 16-bit PCM is fine, with its length; WAVE_FORMAT_EXTENSIBLE PCM too" {
	wav ok.wav
	wav ext.wav 0xFFFE 8000 1 16 16000
	audio "$T/ok.wav" "$T/ext.wav"
	assert_success
	assert_line --index 0 "$T/ok.wav: ok (8000 Hz, mono, 16-bit PCM, 3.2 s)"
	assert_line --index 1 "$T/ext.wav: ok (8000 Hz, mono, 16-bit PCM, 1.0 s)"
	assert_equal "${#lines[@]}" 2
}

@test "each way a format can be wrong is named, with the command that converts it" {
	wav cd.wav 1 44100 2 16 4000
	wav rate.wav 1 16000 1 16 4000
	wav 8bit.wav 1 8000 1 8 4000
	wav alaw.wav 6 8000 1 8 4000
	wav ulaw.wav 7 8000 1 8 4000
	wav mp3.wav 0x55 8000 1 0 4000
	wav float.wav 3 8000 1 32 4000
	for row in "cd.wav|44100 Hz, stereo" "rate.wav|16000 Hz" "8bit.wav|8-bit" "alaw.wav|A-law" \
	    "ulaw.wav|mu-law" "mp3.wav|MP3" "float.wav|32-bit float"; do
		f=${row%%|*}
		audio "$T/$f"
		assert_failure 1
		assert_line --index 0 "$T/$f: ${row#*|}: sipgate plays only 8 kHz mono 16-bit PCM WAV"
		assert_line --index 1 "$T/$f: $SOX '$T/$f' -r 8000 -c 1 -b 16 -e signed-integer OUT.wav"
	done
}

@test "not a WAV at all, a truncated header, a cut-off data chunk, no audio, no file" {
	printf 'ID3\003\000 an mp3 file' > "$T/song.mp3"
	wav header.wav 1 8000 1 16 51200 30
	wav cut.wav 1 8000 1 16 51200 1000
	wav silent.wav 1 8000 1 16 0
	audio "$T/song.mp3" "$T/header.wav" "$T/cut.wav" "$T/silent.wav" "$T/none.wav"
	assert_failure 1
	assert_line "$T/song.mp3: not a WAV file (no RIFF/WAVE header)"
	assert_line "$T/song.mp3: $SOX '$T/song.mp3' -r 8000 -c 1 -b 16 -e signed-integer OUT.wav"
	assert_line "$T/header.wav: the file ends before its fmt chunk: truncated"
	assert_line "$T/cut.wav: the data chunk announces 51200 bytes, the file holds 944: truncated"
	assert_line "$T/silent.wav: no audio (an empty data chunk)"
	assert_line "$T/none.wav: cannot open: No such file or directory"
	# A broken file is not for sox to mend.
	refute_line --partial "$T/cut.wav: $SOX"
	# One bad file among good ones: exit 1, each reported.
	wav ok.wav
	audio "$T/ok.wav" "$T/silent.wav"
	assert_failure 1
	assert_line --index 0 --partial "$T/ok.wav: ok"
}

@test "--check --audio-dir PREFIX=DIR: every announcement under the prefix, menus and then-chains too" {
	mkdir "$T/media"
	wav media/main.wav
	wav media/closed.wav 1 44100 2 16 4000
	printf '%s\n' 'version 1' \
		'menu main play https://media.example/ivr/main.wav?v=2 tries 2 else play https://media.example/ivr/closed.wav then hangup' \
		'when from 1 do gather main' 'when from 2 do play https://elsewhere.example/x.wav' 'end' > "$T/rules"
	prog --check --user "$(id -un)" --audio-dir "https://media.example/ivr/=$T/media" "$T/rules"
	assert_failure 1
	assert_line "$T/rules:2: https://media.example/ivr/main.wav?v=2"
	assert_line "$T/media/main.wav: ok (8000 Hz, mono, 16-bit PCM, 3.2 s)"
	assert_line "$T/rules:2: https://media.example/ivr/closed.wav"
	assert_line "$T/media/closed.wav: 44100 Hz, stereo: sipgate plays only 8 kHz mono 16-bit PCM WAV"
	refute_output --partial elsewhere
	wav media/closed.wav
	prog --check --user "$(id -un)" --audio-dir "https://media.example/ivr/=$T/media" "$T/rules"
	assert_success
	assert_line "ok: 2 rules, 1 menus, 0 lists"
	# A missing file is a failure too.
	rm "$T/media/main.wav"
	prog --check --user "$(id -un)" --audio-dir "https://media.example/ivr/=$T/media" "$T/rules"
	assert_failure 1
	assert_line "$T/media/main.wav: cannot open: No such file or directory"
}

@test "a WAV whose audio starts after 64 KiB of metadata, before or after its fmt chunk, is fine" {
	python3 - "$T" <<'EOP'
import struct, sys
fmt = b'fmt ' + struct.pack('<IHHIIHH', 16, 1, 1, 8000, 16000, 2, 16)
meta = b'LIST' + struct.pack('<I', 70001) + b'x' * 70001 + b'\0'
data = b'data' + struct.pack('<I', 16000) + b'\1' * 16000
for name, chunks in (('meta-first.wav', meta + fmt + data), ('fmt-first.wav', fmt + meta + data),
                     ('meta-cut.wav', fmt + meta)):
    body = b'WAVE' + chunks
    open(sys.argv[1] + '/' + name, 'wb').write(b'RIFF' + struct.pack('<I', len(body)) + body)
EOP
	audio "$T/meta-first.wav" "$T/fmt-first.wav"
	assert_success
	assert_line --index 0 "$T/meta-first.wav: ok (8000 Hz, mono, 16-bit PCM, 1.0 s)"
	assert_line --index 1 "$T/fmt-first.wav: ok (8000 Hz, mono, 16-bit PCM, 1.0 s)"
	audio "$T/meta-cut.wav"
	assert_failure
	assert_output "$T/meta-cut.wav: the file ends before its data chunk: truncated"
}
