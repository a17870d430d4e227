#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Host self-test of the test target: a minimal initiator logs in with and
without CRC32C digests (checked against the RFC 7143 B.4 examples first),
writes through immediate data and R2Ts, reads it back through Data-In, and
checks the PDU log.  Prints TAP."""
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from iscsi_pdu import (PDU, digest, read_pdu, build_text, parse_text,  # noqa: E402
                       OP_LOGIN_REQ, OP_LOGIN_RSP, OP_SCSI_CMD, OP_SCSI_RSP,
                       OP_DATA_IN, OP_DATA_OUT, OP_R2T, OP_LOGOUT_REQ,
                       OP_LOGOUT_RSP)

IQN = "iqn.2024-01.org.kiscsi:selftest"
results = []


def check(name, ok, why=""):
    results.append(ok)
    print("%sok %d - %s%s" % ("" if ok else "not ", len(results), name,
                              "" if ok else " # " + why))


class Initiator:
    def __init__(self, port, hd, dd):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.hd = self.dd = False
        self.want = (hd, dd)
        self.itt = 0x100
        self.cmdsn = 1
        self.statsn = 0

    def send(self, pdu):
        self.s.sendall(pdu.encode(self.hd, self.dd))

    def recv(self):
        p = read_pdu(self.s, self.hd, self.dd)
        if p.opcode in (OP_SCSI_RSP, OP_LOGOUT_RSP) or \
                (p.opcode == OP_DATA_IN and p.flags & 1):
            self.statsn = p.u32(24)
        return p

    def login(self):
        offer = [("InitiatorName", "iqn.2024-01.org.kiscsi:ini"),
                 ("SessionType", "Normal"), ("TargetName", IQN),
                 ("AuthMethod", "None")]
        p = PDU(OP_LOGIN_REQ | 0x40, data=build_text(offer))
        p.flags = 0x80 | 0x01          # T, CSG 0 -> NSG 1
        p.itt = self.itt
        p.set_u32(24, self.cmdsn)
        self.send(p)
        r = read_pdu(self.s)
        assert r.opcode == OP_LOGIN_RSP and r.bhs[36] == 0, "security stage refused"
        ops = [("HeaderDigest", "CRC32C,None" if self.want[0] else "None"),
               ("DataDigest", "CRC32C,None" if self.want[1] else "None"),
               ("MaxRecvDataSegmentLength", "4096"),
               ("InitialR2T", "Yes"), ("ImmediateData", "Yes"),
               ("FirstBurstLength", "8192"), ("MaxBurstLength", "16384"),
               ("X-kiscsi-unknown", "1")]
        p = PDU(OP_LOGIN_REQ | 0x40, data=build_text(ops))
        p.flags = 0x80 | (1 << 2) | 3  # T, CSG 1 -> NSG 3
        p.itt = self.itt
        p.set_u32(24, self.cmdsn)
        self.send(p)
        r = read_pdu(self.s)
        assert r.opcode == OP_LOGIN_RSP and r.bhs[36] == 0 and r.flags & 0x80
        kv = dict(parse_text(r.data))
        self.hd = kv.get("HeaderDigest") == "CRC32C"
        self.dd = kv.get("DataDigest") == "CRC32C"
        self.statsn = r.u32(24)
        return kv, r.u16(14)

    def command(self, cdb, edtl, read=False, data=b""):
        self.itt += 1
        p = PDU(OP_SCSI_CMD)
        p.flags = 0x80 | (0x40 if read else 0) | (0x20 if data else 0)
        p.itt = self.itt
        p.set_u32(20, edtl)
        p.set_u32(24, self.cmdsn)
        p.set_u32(28, self.statsn + 1)
        p.bhs[32:48] = cdb.ljust(16, b"\0")
        first = data[:min(4096, 8192)]
        p.data = first
        self.cmdsn += 1
        self.send(p)
        got = bytearray()
        r2ts = 0
        while True:
            r = self.recv()
            if r.opcode == OP_R2T:
                r2ts += 1
                off, n = r.u32(40), r.u32(44)
                sent, datasn = 0, 0
                while sent < n:
                    chunk = data[off + sent:off + sent + min(4096, n - sent)]
                    d = PDU(OP_DATA_OUT, data=chunk)
                    d.itt = self.itt
                    d.ttt = r.ttt
                    d.set_u32(28, self.statsn + 1)
                    d.set_u32(36, datasn)
                    d.set_u32(40, off + sent)
                    sent += len(chunk)
                    datasn += 1
                    if sent >= n:
                        d.flags = 0x80
                    self.send(d)
            elif r.opcode == OP_DATA_IN:
                got[r.u32(40):r.u32(40) + len(r.data)] = r.data
                if r.flags & 1:
                    return r.bhs[3], bytes(got), r2ts
            elif r.opcode == OP_SCSI_RSP:
                return r.bhs[3], bytes(got), r2ts
            else:
                raise AssertionError("unexpected opcode 0x%02x" % r.opcode)

    def logout(self):
        self.itt += 1
        p = PDU(OP_LOGOUT_REQ | 0x40)
        p.flags = 0x80
        p.itt = self.itt
        p.set_u32(24, self.cmdsn)
        p.set_u32(28, self.statsn + 1)
        self.send(p)
        return self.recv().opcode == OP_LOGOUT_RSP


def main():
    check("CRC32C of 32 zero bytes is aa 36 91 8a (RFC 7143 B.4)",
          digest(bytes(32)).hex() == "aa36918a")
    check("CRC32C of 32 0xff bytes is 43 ab a8 62",
          digest(b"\xff" * 32).hex() == "43aba862")
    check("CRC32C of 00..1f is 4e 79 dd 46",
          digest(bytes(range(32))).hex() == "4e79dd46")
    tmp = tempfile.mkdtemp()
    log = os.path.join(tmp, "pdus.log")
    port = 32000 + os.getpid() % 1000
    t = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "kiscsi_target.py"), "--port", str(port),
        "--iqn", IQN, "--size-mb", "4", "--log", log])
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        for hd, dd in ((False, False), (True, True), (True, False)):
            name = "digests hd=%d dd=%d" % (hd, dd)
            ini = Initiator(port, hd, dd)
            kv, tsih = ini.login()
            check(name + ": login answers the digests asked for",
                  ini.hd == hd and ini.dd == dd, str(kv))
            check(name + ": TSIH set, MaxRecvDataSegmentLength declared, "
                  "unknown key NotUnderstood",
                  tsih != 0 and "MaxRecvDataSegmentLength" in kv and
                  kv.get("X-kiscsi-unknown") == "NotUnderstood", str(kv))
            st, inq, _ = ini.command(bytes([0x12, 0, 0, 0, 36]), 36, read=True)
            check(name + ": INQUIRY", st == 0 and inq[8:14] == b"KISCSI", inq.hex())
            payload = os.urandom(40960)
            st, _, r2ts = ini.command(bytes([0x2a, 0, 0, 0, 0, 8, 0, 0, 80]),
                                      len(payload), data=payload)
            check(name + ": WRITE(10) of 40 KiB through immediate data and R2Ts",
                  st == 0 and r2ts == 3, "status %d, %d R2Ts" % (st, r2ts))
            st, back, _ = ini.command(bytes([0x28, 0, 0, 0, 0, 8, 0, 0, 80]),
                                      len(payload), read=True)
            check(name + ": READ(10) returns what was written",
                  st == 0 and back == payload)
            st, _, _ = ini.command(bytes([0x28, 0, 0, 0, 0x20, 0, 0, 0, 8]), 4096, read=True)
            check(name + ": READ beyond the capacity is CHECK CONDITION", st == 2)
            check(name + ": logout", ini.logout())
        with open(log) as f:
            text = f.read()
        check("the PDU log has the initiator's commands",
              "rx scsi-cmd" in text and "rx data-out" in text and
              "rx logout-req" in text)
        check("CmdSN in order and inside the window, ExpStatSN acknowledging "
              "every status: nothing flagged", "violation" not in text,
              [l for l in text.splitlines() if "violation" in l][:3])
        # a command past the MaxCmdSN the target advertised (window 32),
        # then one whose ExpStatSN goes back
        ini = Initiator(port, False, False)
        ini.login()
        ini.cmdsn += 32
        ini.command(bytes([0x00] * 6), 0)
        ini.statsn -= 2
        ini.command(bytes([0x00] * 6), 0)
        ini.logout()
        with open(log) as f:
            text = f.read()
        check("a command past MaxCmdSN is logged as a window violation",
              "cmdsn-window violation" in text)
        check("an ExpStatSN that goes back is logged as a violation",
              "expstatsn violation: scsi-cmd" in text)
    finally:
        t.terminate()
        t.wait()
    print("1..%d" % len(results))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
