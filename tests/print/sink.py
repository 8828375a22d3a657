#!/usr/bin/env python3
"""A printer on a TCP port, for the print tests (standard library only).

Like a network receipt printer on port 9100 -- what CUPS's socket backend
writes to -- it takes whatever bytes a connection sends until the sender
closes. Each connection's bytes go to DIR/job-N.bin (N = 1, 2, ...),
written under a temporary name and renamed once the connection closed, so
a test that sees job-N.bin sees all of it.

Usage: sink.py DIR PORT_FILE    (listens on 127.0.0.1, a free port written
to PORT_FILE); stops on SIGTERM.
"""
import os
import signal
import socket
import sys


def main():
    out_dir, port_file = sys.argv[1], sys.argv[2]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.getsockname()[1]))
    os.rename(tmp, port_file)
    n = 0
    while True:
        conn, _ = srv.accept()
        n += 1
        part = os.path.join(out_dir, "job-%d.part" % n)
        with conn, open(part, "wb") as f:
            conn.settimeout(60)
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    break
                if not data:
                    break
                f.write(data)
        os.rename(part, os.path.join(out_dir, "job-%d.bin" % n))


if __name__ == "__main__":
    main()
