#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""kiscsi's own iSCSI target for tests: a RAM disk at LUN 0 behind a normal
login, with scripted misbehaviour (--scenario) or seeded fuzzing (--seed,
--cases).

  kiscsi_target.py --port 3262 --iqn IQN [--size-mb 64] [--log FILE]
      [--scenario NAME [--after N] [--trigger-file PATH]]
      [--seed S --cases N [--case-log FILE] [--classes a,b]]

--log writes one line per PDU received from the initiator (and one per
scripted event) so tests can assert what the initiator sent.  In fuzz mode
each accepted connection is one case; the target exits after --cases
connections have closed and prints cases per class/opcode."""
import argparse
import collections
import os
import signal
import socket
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from connection import Behavior, Connection  # noqa: E402
from iscsi_pdu import ProtocolError  # noqa: E402
from scsi_disk import RamDisk  # noqa: E402
import scenarios  # noqa: E402
import fuzz  # noqa: E402


class Target:
    def __init__(self, args):
        self.args = args
        self.disk = RamDisk(args.size_mb << 20)
        self.lock = threading.Lock()
        self.tsih = 0
        self.conns = 0
        self.scenario = None
        self.logf = None
        if args.log == "-":
            self.logf = sys.stdout
        elif args.log:
            self.logf = open(args.log, "a", buffering=1)
        self.casef = open(args.case_log, "a", buffering=1) if args.case_log else None
        self.stats = collections.Counter()
        self.t0 = time.monotonic()

    def log(self, msg):
        if self.logf:
            with self.lock:
                self.logf.write("%.3f %s\n" % (time.monotonic() - self.t0, msg))
                self.logf.flush()

    def log_pdu(self, conn, pdu):
        self.log("conn=%d rx %s" % (conn.id, pdu.describe()))

    def case_event(self, case, conn, msg):
        line = "case %d %s" % (case.index, msg)
        self.log("conn=%d %s" % (conn.id, line))
        if self.casef:
            with self.lock:
                self.casef.write(line + "\n")
                self.casef.flush()

    def next_tsih(self):
        with self.lock:
            self.tsih = self.tsih % 0xfffe + 1
            return self.tsih

    def behavior(self, index):
        a = self.args
        if a.seed is not None:
            return fuzz.FuzzCase(a.seed, index, a.classes)
        if a.scenario and a.once:
            # one instance for every connection: it strikes once, and
            # the relogins after it find a plain target
            if self.scenario is None:
                self.scenario = scenarios.Scenario(a.scenario, a.after,
                                                   a.trigger_file)
            return self.scenario
        if a.scenario:
            return scenarios.Scenario(a.scenario, a.after, a.trigger_file)
        return Behavior()

    def serve_one(self, sock, peer, index):
        b = self.behavior(index)
        conn = Connection(self, sock, peer, b, index)
        if isinstance(b, fuzz.FuzzCase):
            self.case_event(b, conn, "start " + b.describe())
        end = "closed"
        try:
            conn.run()
        except EOFError as e:
            end = "initiator closed (%s)" % e
        except (ConnectionError, OSError) as e:
            end = "socket error: %s" % e
        except ProtocolError as e:
            end = "protocol error from initiator: %s" % e
        except Exception:
            end = "target error: " + traceback.format_exc().replace("\n", " | ")
            self.stats["target-errors"] += 1
        finally:
            try:
                sock.close()
            except OSError:
                pass
        self.log("conn=%d end %s" % (index, end))
        if isinstance(b, fuzz.FuzzCase):
            self.case_event(b, conn, "end applied=%d opcode=%s %s" % (
                b.applied, b.opcode, "target-error" if end.startswith("target error") else ""))
            with self.lock:
                self.stats[(b.cls, b.opcode if b.applied else "not-reached")] += 1

    def summary(self):
        if self.args.seed is None:
            return
        rows = sorted((k, v) for k, v in self.stats.items() if isinstance(k, tuple))
        print("# fuzz target: %d cases (seed %d)" % (sum(v for _, v in rows), self.args.seed))
        for (cls, op), n in rows:
            print("#   %-26s %-16s %4d" % (cls, op, n))
        if self.stats["target-errors"]:
            print("# target errors: %d" % self.stats["target-errors"])
        sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--address", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=3262)
    ap.add_argument("--iqn", default="iqn.2024-01.org.kiscsi:hostile")
    ap.add_argument("--size-mb", type=int, default=64)
    ap.add_argument("--log", help="PDU log file ('-' for stdout)")
    ap.add_argument("--digests", choices=["allow", "none", "crc32c"], default="allow",
                    help="HeaderDigest/DataDigest: take what the initiator prefers "
                         "(allow), only None, or only CRC32C")
    ap.add_argument("--max-recv-dlen", type=int, default=65536,
                    help="our MaxRecvDataSegmentLength")
    ap.add_argument("--first-burst", type=int, default=65536)
    ap.add_argument("--max-burst", type=int, default=262144)
    ap.add_argument("--initial-r2t", choices=["Yes", "No"], default="No")
    ap.add_argument("--immediate-data", choices=["Yes", "No"], default="Yes")
    ap.add_argument("--cmd-window", type=int, default=32)
    ap.add_argument("--logout-answer", choices=["respond", "close"], default="respond",
                    help="a Logout request gets a response, then the close "
                         "(respond), or only the close (close): the order an "
                         "initiator must not depend on")
    ap.add_argument("--login-delay", type=float, default=0,
                    help="seconds to wait before the final login response")
    ap.add_argument("--bad-pdu-after-login", action="store_true",
                    help="send an unknown opcode right after each session's login")
    ap.add_argument("--scenario", help="one of: " + ", ".join(scenarios.ALL))
    ap.add_argument("--after", type=int, default=0,
                    help="scenario: strike after this many SCSI commands")
    ap.add_argument("--trigger-file",
                    help="scenario: strike only once this file exists")
    ap.add_argument("--once", action="store_true",
                    help="scenario: strike on one connection, not on each")
    ap.add_argument("--time2wait", type=int, default=2,
                    help="Parameter2 of a dropping-connection async message "
                         "and Time2Wait of a Logout Response")
    ap.add_argument("--seed", type=int, help="fuzz mode")
    ap.add_argument("--cases", type=int, default=0,
                    help="fuzz mode: exit after this many connections")
    ap.add_argument("--classes", type=lambda s: [x for x in s.split(",") if x],
                    help="fuzz: only these classes (" + ", ".join(fuzz.NAMES) + ")")
    ap.add_argument("--case-log", help="fuzz: one line per case event")
    ap.add_argument("--list-classes", action="store_true")
    ap.add_argument("--pidfile")
    args = ap.parse_args()
    if args.list_classes:
        print("\n".join(fuzz.NAMES))
        return 0
    if args.scenario and args.scenario not in scenarios.ALL:
        ap.error("unknown scenario %r (one of: %s)" % (args.scenario, ", ".join(scenarios.ALL)))
    if args.classes and set(args.classes) - set(fuzz.NAMES):
        ap.error("unknown fuzz classes: %s" % ",".join(set(args.classes) - set(fuzz.NAMES)))

    t = Target(args)
    ls = socket.socket(socket.AF_INET6 if ":" in args.address else socket.AF_INET)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((args.address, args.port))
    ls.listen(8)
    if args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write("%d\n" % os.getpid())
    signal.signal(signal.SIGTERM, lambda *_: (t.summary(), os._exit(0)))
    t.log("listening on %s:%d iqn=%s scenario=%s seed=%s" % (
        args.address, args.port, args.iqn, args.scenario, args.seed))
    threads = []
    index = 0
    while not args.cases or index < args.cases:
        sock, peer = ls.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        index += 1
        th = threading.Thread(target=t.serve_one, args=(sock, peer, index), daemon=True)
        th.start()
        threads.append(th)
    for th in threads:
        th.join()
    t.summary()
    return 0


if __name__ == "__main__":
    sys.exit(main())
