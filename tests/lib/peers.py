#!/usr/bin/env python3
"""Ordinary and hostile peers of the program for the tests, over its
FastCGI socket (fcgi:PATH) or over HTTP through a web server
(http:PORT).  Every mode ends by itself and prints what it saw as
NAME=VALUE lines.

  siege TARGET SECONDS SLOW HALF
      SLOW clients send a request's body a byte every 0.5 s and HALF sit on
      half a body, each reconnecting as soon as it is cut off; meanwhile
      sequential requests (each on a new connection, as sipgate sends
      them) for SECONDS.  Prints count, failed, p99_ms and max_ms of those.
  idle fcgi:PATH N
      N connections that never send a byte, opened at once; prints how
      many were closed within 3 s (to make room) and, of the others, the
      earliest and latest close after their opening.
  slowread fcgi:PATH
      Asks for a management record's answer 40,000 times (more than the
      kernel buffers) and takes the answers a byte every 20 ms; prints
      closed_ms, when the program gave up on it.
  flood fcgi:PATH SECONDS
      Sends FCGI_GET_VALUES records for SECONDS without reading anything;
      prints sent (bytes) and closed (1 if the program closed it).

Requests are the real signed newCall (SIGNED_BODY and SIGNED_SIG name its
files) or, without them, an unsigned newCall.
"""
import os
import resource
import select
import socket
import struct
import sys
import threading
import time

GET_VALUES = 9
VALUES_QUERY = b''.join(bytes([len(n), 0]) + n for n in
                        (b'FCGI_MAX_CONNS', b'FCGI_MAX_REQS', b'FCGI_MPXS_CONNS'))


def record(kind, rid, content=b''):
    return struct.pack('>BBHHBB', 1, kind, rid, len(content), 0, 0) + content


def pair(name, value):
    def length(b):
        return bytes([len(b)]) if len(b) < 128 else struct.pack('>I', len(b) | 1 << 31)
    n, v = name.encode(), value.encode()
    return length(n) + length(v) + n + v


def the_request():
    body = os.environ.get('SIGNED_BODY')
    if body:
        with open(body, 'rb') as f:
            data = f.read()
        with open(os.environ['SIGNED_SIG']) as f:
            return data, f.read().strip()
    return (b'event=newCall&from=492111234567&to=4915791234567&direction=in'
            b'&callId=123456'), None


BODY, SIG = the_request()


class Target:
    """Where requests go and how they are framed."""

    def __init__(self, spec):
        self.kind, _, where = spec.partition(':')
        self.where = where if self.kind == 'fcgi' else ('127.0.0.1', int(where))

    def connect(self, timeout=15):
        family = socket.AF_UNIX if self.kind == 'fcgi' else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(self.where)
        return s

    def head(self):
        """What goes before the body's bytes."""
        if self.kind == 'fcgi':
            env = {'GATEWAY_INTERFACE': 'CGI/1.1', 'REQUEST_METHOD': 'POST',
                   'CONTENT_TYPE': 'application/x-www-form-urlencoded',
                   'CONTENT_LENGTH': str(len(BODY)), 'SERVER_NAME': 'hooks.example.org',
                   'SERVER_PORT': '443', 'HTTPS': 'on', 'SCRIPT_NAME': '/sipgate',
                   'REMOTE_ADDR': '217.116.118.254'}
            if SIG:
                env['HTTP_X_SIPGATE_SIGNATURE'] = SIG
            params = b''.join(pair(k, v) for k, v in env.items())
            return (record(1, 1, struct.pack('>HB5x', 1, 0)) + record(4, 1, params) +
                    record(4, 1))
        lines = ['POST /sipgate HTTP/1.1', 'Host: 127.0.0.1:%d' % self.where[1],
                 'Content-Type: application/x-www-form-urlencoded',
                 'Content-Length: %d' % len(BODY), 'Connection: close']
        if SIG:
            lines.append('X-Sipgate-Signature: ' + SIG)
        return ('\r\n'.join(lines) + '\r\n\r\n').encode()

    def body(self, data):
        return record(5, 1, data) if self.kind == 'fcgi' else data

    def end(self):
        return record(5, 1) if self.kind == 'fcgi' else b''

    def status(self, s):
        """The answer's status, read to its end; -1 if none came."""
        got = b''
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
                if self.kind == 'fcgi' and ended(got):
                    break
        except OSError:
            return -1
        if self.kind == 'fcgi':
            i = got.find(b'Status: ')
            return int(got[i + 8:i + 11]) if i >= 0 else (200 if ended(got) else -1)
        return int(got[9:12]) if got.startswith(b'HTTP/1.') else -1


def ended(stream):
    """Whether a FastCGI record stream holds an FCGI_END_REQUEST."""
    pos = 0
    while pos + 8 <= len(stream):
        kind, length, pad = stream[pos + 1], stream[pos + 4] << 8 | stream[pos + 5], stream[pos + 6]
        if kind == 3:
            return True
        pos += 8 + length + pad
    return False


def one_request(t):
    s = t.connect()
    try:
        s.sendall(t.head() + t.body(BODY) + t.end())
        return t.status(s)
    finally:
        s.close()


def slow_client(t, stop, half):
    """A body a byte every 0.5 s, or half of it and then nothing; again
    whenever cut off."""
    while not stop.is_set():
        s = None
        try:
            s = t.connect()
            s.sendall(t.head())
            for i, byte in enumerate(BODY):
                if stop.is_set() or (half and i == len(BODY) // 2):
                    break
                s.sendall(t.body(bytes([byte])))
                stop.wait(0.5)
            while not stop.is_set():
                r, _, _ = select.select([s], [], [], 0.2)
                if r and not s.recv(65536):
                    break
        except OSError:
            stop.wait(0.05)
        finally:
            if s:
                s.close()


def siege(t, seconds, slow, half):
    stop = threading.Event()
    clients = [threading.Thread(target=slow_client, args=(t, stop, i >= slow))
               for i in range(slow + half)]
    for c in clients:
        c.start()
    if clients:
        time.sleep(1.5)
    took, failed, end = [], 0, time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.monotonic()
        code = one_request(t)
        took.append((time.monotonic() - start) * 1000)
        failed += code != 200
    stop.set()
    for c in clients:
        c.join()
    took.sort()
    print('count=%d' % len(took))
    print('failed=%d' % failed)
    print('p99_ms=%.1f' % took[min(len(took) - 1, int(len(took) * 0.99))])
    print('max_ms=%.1f' % took[-1])


def idle(t, n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 64)), hard))
    opened, socks = {}, []
    for _ in range(n):
        # Blocking: a unix socket's full backlog is EAGAIN otherwise.
        s = t.connect(timeout=None)
        s.setblocking(False)
        opened[s.fileno()] = time.monotonic()
        socks.append(s)
    print('opened=%d' % n, flush=True)
    poller = select.poll()
    for s in socks:
        poller.register(s, select.POLLIN)
    closed, deadline = {}, time.monotonic() + 15
    while len(closed) < n and time.monotonic() < deadline:
        for fd, _ in poller.poll(200):
            closed[fd] = time.monotonic() - opened[fd]
            poller.unregister(fd)
    early = [v for v in closed.values() if v < 3]
    late = [v for v in closed.values() if v >= 3]
    print('closed=%d' % len(closed))
    print('early=%d' % len(early))
    print('late_min_ms=%d' % (min(late) * 1000 if late else -1))
    print('late_max_ms=%d' % (max(late) * 1000 if late else -1))


def slowread(t):
    """The program closing the connection shows as a failed send."""
    s = t.connect()
    s.settimeout(None)
    # More answers than the kernel's socket buffers hold, so that they
    # queue in the program.
    asks = record(GET_VALUES, 0, VALUES_QUERY) * 40000
    start, closed = time.monotonic(), []

    def ask():
        try:
            s.sendall(asks)
            while time.monotonic() < start + 30:
                s.sendall(record(GET_VALUES, 0, VALUES_QUERY))
                time.sleep(0.1)
        except OSError:
            closed.append(time.monotonic() - start)
    threading.Thread(target=ask, daemon=True).start()
    got = 0
    while not closed and time.monotonic() < start + 30:
        if select.select([s], [], [], 0.02)[0]:
            got += len(s.recv(1))
        time.sleep(0.02)
    print('read=%d' % got)
    print('closed_ms=%d' % (closed[0] * 1000 if closed else -1))


def flood(t, seconds):
    s = t.connect()
    s.setblocking(False)
    chunk = record(GET_VALUES, 0, VALUES_QUERY) * 8192
    sent, closed, end = 0, 0, time.monotonic() + seconds
    while time.monotonic() < end:
        _, w, _ = select.select([], [s], [], 0.1)
        if not w:
            continue
        try:
            n = s.send(chunk[sent % len(chunk):])
            sent += n
        except BlockingIOError:
            pass
        except OSError:
            closed = 1
            break
    print('sent=%d' % sent)
    print('closed=%d' % closed)
    print('closed_ms=%d' % ((time.monotonic() - end + seconds) * 1000))


def main(argv):
    mode, t = argv[1], Target(argv[2])
    if mode == 'siege':
        siege(t, float(argv[3]), int(argv[4]), int(argv[5]))
    elif mode == 'idle':
        idle(t, int(argv[3]))
    elif mode == 'slowread':
        slowread(t)
    elif mode == 'flood':
        flood(t, float(argv[3]))
    else:
        sys.exit('peers.py: unknown mode ' + mode)


if __name__ == '__main__':
    main(sys.argv)
