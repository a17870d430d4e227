# SPDX-License-Identifier: GPL-2.0
"""Scripted misbehaviour: one thing done once after login, after N SCSI
commands or when a trigger file appears.  Tests read the PDU log to see
what the initiator did about it."""
import os
import socket
import struct
import time

from connection import Behavior
from iscsi_pdu import (PDU, RESERVED_TAG, REJECT_REASONS, OP_NOP_IN,
                       OP_ASYNC, OP_REJECT, OP_LOGOUT_RSP, OP_NOP_OUT,
                       OP_TMF_REQ, OP_TMF_RSP, OP_DATA_IN, OP_SCSI_RSP)
from scsi_disk import GOOD, CHECK_CONDITION, sense_fixed


def async_pdu(conn, event, p1=0, p2=0, p3=0, data=b"", lun=b"\0" * 8):
    pdu = PDU(OP_ASYNC, data=data)
    pdu.flags = 0x80
    pdu.lun = lun
    pdu.itt = RESERVED_TAG
    pdu.ttt = RESERVED_TAG
    pdu.bhs[36] = event
    pdu.set_u16(38, p1)
    pdu.set_u16(40, p2)
    pdu.set_u16(42, p3)
    return conn.sn(pdu)


def scsi_event_data(key, asc, ascq):
    s = sense_fixed(key, asc, ascq)
    return struct.pack(">H", len(s)) + s


def reject_pdu(conn, reason, rejected_bhs):
    pdu = PDU(OP_REJECT, data=bytes(rejected_bhs))
    pdu.flags = 0x80
    pdu.bhs[2] = reason
    pdu.itt = RESERVED_TAG
    return conn.sn(pdu)


def nop_ping(conn, ttt, lun=b"\0" * 8):
    pdu = PDU(OP_NOP_IN)
    pdu.flags = 0x80
    pdu.lun = lun
    pdu.itt = RESERVED_TAG
    pdu.ttt = ttt
    return conn.sn(pdu, advance=False)


# Unsolicited scenarios: sent between commands.
UNSOLICITED = {
    "async-scsi-event": lambda c: async_pdu(c, 0, data=scsi_event_data(6, 0x3f, 0x0e)),
    "async-logout-request": lambda c: async_pdu(c, 1, p3=2),
    "async-drop-conn": lambda c: async_pdu(c, 2, p1=0, p2=c.t.args.time2wait, p3=0),
    "async-drop-all": lambda c: async_pdu(c, 3, p2=c.t.args.time2wait, p3=0),
    "async-renegotiate": lambda c: async_pdu(c, 4, p3=5),
    "unknown-opcode": lambda c: c.sn(PDU(0x1c), advance=False),
    "logout-rsp-unsolicited": lambda c: c.sn(
        _with_itt(PDU(OP_LOGOUT_RSP), 0x5a5a0001)),
}


def _with_itt(pdu, itt):
    pdu.flags = 0x80
    pdu.itt = itt
    return pdu


# Scenarios that change the answer to one read (Data-In) or to any command:
# each breaks one rule the initiator must check.
def _datasn_gap(conn, task, pdus):
    for p in pdus:
        p.set_u32(36, p.u32(36) + 1)     # DataSN from 1, not 0
    return pdus


def _datain_beyond_buffer(conn, task, pdus):
    pdus[-1].data = pdus[-1].data + bytes(512)
    return pdus


def _target_failure(conn, task, pdus):
    """iSCSI response "target failure" (0x01) with a GOOD status byte."""
    rsp = PDU(OP_SCSI_RSP)
    rsp.flags = 0x80
    rsp.bhs[2] = 0x01
    rsp.itt = task.itt
    rsp.bhs[24:36] = pdus[-1].bhs[24:36]     # the StatSN it replaces
    return [rsp]


def _again(conn, pdus):
    """Rebuild an answer under the StatSN the original took."""
    conn.statsn = [p for p in pdus if p.flags & 0x01 or p.opcode == OP_SCSI_RSP][-1].u32(24)


def _residual_underflow(conn, task, pdus):
    """A read answered 512 bytes short, GOOD, with U and the residual."""
    data = b"".join(p.data for p in pdus)
    _again(conn, pdus)
    return conn.build_responses(task, GOOD, data[:task.edtl - 512], None)


def _residual_overflow(conn, task, pdus):
    """All the data, GOOD, and an O flag with a residual: the target had
    more than the initiator asked for, which changes nothing it got."""
    pdus[-1].flags |= 0x04
    pdus[-1].set_u32(44, 4096)
    return pdus


def _scsi_rsp(status, data=b""):
    """The command answered with a SCSI Response of this status."""
    def answer(conn, task, pdus):
        rsp = PDU(OP_SCSI_RSP, data=data)
        rsp.flags = 0x80
        rsp.bhs[3] = status
        rsp.itt = task.itt
        _again(conn, pdus)
        return [conn.sn(rsp)]
    return answer


def _sense(sense_len, segment):
    """CHECK CONDITION, MEDIUM ERROR 11/00 (unrecovered read error), with
    SenseLength sense_len in a data segment of 2 + segment bytes."""
    body = sense_fixed(3, 0x11, 0x00).ljust(segment, b"\0")[:segment]
    return _scsi_rsp(CHECK_CONDITION, struct.pack(">H", sense_len) + body)


ON_READ_DATA = {"datasn-gap": _datasn_gap,
                "datain-beyond-buffer": _datain_beyond_buffer,
                "residual-underflow": _residual_underflow,
                "residual-overflow": _residual_overflow}
ON_RESPONSE = {"target-failure": _target_failure,
               "status-busy": _scsi_rsp(0x08),
               "task-set-full": _scsi_rsp(0x28),
               "sense-too-long": _sense(200, 200),
               "sense-beyond-segment": _sense(300, 20)}


# Scenarios that change the first R2T of a write.
def _r2tsn_gap(conn, task, r2t):
    r2t.set_u32(36, r2t.u32(36) + 1)
    return [r2t]


def _r2t_beyond_burst(conn, task, r2t):
    r2t.set_u32(44, conn.max_burst + 512)
    return [r2t]


def _r2t_beyond_buffer(conn, task, r2t):
    r2t.set_u32(40, task.edtl)
    r2t.set_u32(44, 512)
    return [r2t]


def _r2t_too_many(conn, task, r2t):
    """A second R2T at once, where MaxOutstandingR2T is 1."""
    second = PDU(bhs=r2t.bhs)
    second.ttt = conn.new_ttt()
    second.set_u32(36, r2t.u32(36) + 1)
    second.set_u32(40, r2t.u32(40) + r2t.u32(44))
    return [r2t, second]


ON_R2T = {"r2tsn-gap": _r2tsn_gap, "r2t-beyond-burst": _r2t_beyond_burst,
          "r2t-beyond-buffer": _r2t_beyond_buffer,
          "r2t-too-many": _r2t_too_many}


# Scenarios that act on a command instead of answering it normally.
# abort-race: the command is held until an ABORT TASK names it, then its
# answer and the abort's ("function complete") go out back to back
# stop-reading: the target never reads its socket again (its receive
# window fills and shuts), and never answers
ON_COMMAND = {"bad-header-digest", "bad-data-digest", "hang",
              "no-answer-to-tmf", "drop-command", "close", "capacity-changed",
              "abort-race", "stop-reading"}
for _r, _n in REJECT_REASONS.items():
    ON_COMMAND.add("reject-" + _n)
# slow-tmf: every task management request is answered 1.5 s late, and the
# log says how many were outstanding when each arrived
ALL = sorted(set(UNSOLICITED) | ON_COMMAND | set(ON_READ_DATA) |
             set(ON_RESPONSE) | set(ON_R2T) | {"nop-in-ping", "slow-tmf"})
SLOW_TMF_DELAY = 1.5


class Scenario(Behavior):
    def __init__(self, name, after=0, trigger_file=None):
        if name not in ALL:
            raise ValueError("unknown scenario %r (one of: %s)"
                             % (name, ", ".join(ALL)))
        self.name = name
        self.after = after
        self.trigger_file = trigger_file
        self.done = False
        self.ping_ttt = None
        self.swallowed = set()
        self.held_tmfs = []     # [answer time, TMF request]
        self.held_cmd = None    # abort-race: the command held

    def armed(self, conn, on_command=False):
        """--after N: N commands answered normally first (conn.commands
        already counts the command being looked at in on_command)."""
        if self.done:
            return False
        if self.trigger_file and not os.path.exists(self.trigger_file):
            return False
        return conn.commands - int(on_command) >= self.after

    def fire_unsolicited(self, conn):
        if self.name == "nop-in-ping":
            self.ping_ttt = 0x0d0e0f10
            conn.log("event scenario nop-in-ping sent ttt=0x%08x" % self.ping_ttt)
            conn.send(nop_ping(conn, self.ping_ttt, lun=b"\0\x00" + b"\0" * 6))
        else:
            pdu = UNSOLICITED[self.name](conn)
            conn.log("event scenario %s sent: %s" % (self.name, pdu.describe()))
            conn.send(pdu)
        self.done = True

    def on_ffp(self, conn):
        if self.name in UNSOLICITED or self.name == "nop-in-ping":
            if self.armed(conn):
                self.fire_unsolicited(conn)

    def on_idle(self, conn):
        if (self.name in UNSOLICITED or self.name == "nop-in-ping") and self.armed(conn):
            self.fire_unsolicited(conn)
        while self.held_tmfs and self.held_tmfs[0][0] <= time.monotonic():
            conn.tmf(self.held_tmfs.pop(0)[1])

    def on_pdu(self, conn, pdu):
        if pdu.opcode == OP_NOP_OUT and self.ping_ttt is not None and \
                pdu.ttt == self.ping_ttt:
            conn.log("event scenario nop-in-ping answered ttt=0x%08x itt=0x%08x imm=%d"
                     % (pdu.ttt, pdu.itt, int(pdu.immediate)))
            self.ping_ttt = None
            return True
        if pdu.opcode == OP_TMF_REQ and self.held_cmd is not None and \
                pdu.flags & 0x7f == 1 and pdu.u32(20) == self.held_cmd.itt:
            task, self.held_cmd = self.held_cmd, None
            status, data, sense = conn.t.disk.execute(task.lun, task.cdb, b"")
            out = conn.build_responses(task, status, data, sense)
            rsp = PDU(OP_TMF_RSP)
            rsp.flags = 0x80
            rsp.itt = pdu.itt
            out.append(conn.sn(rsp))
            conn.log("event scenario abort-race answered itt=0x%08x and its abort together"
                     % task.itt)
            conn.send(out)
            return True
        if pdu.opcode == OP_TMF_REQ and self.name == "no-answer-to-tmf":
            conn.log("event scenario no-answer-to-tmf swallowed the TMF")
            return True
        if pdu.opcode == OP_TMF_REQ and self.name == "slow-tmf":
            self.held_tmfs.append([time.monotonic() + SLOW_TMF_DELAY, pdu])
            conn.log("event scenario slow-tmf held itt=0x%08x outstanding=%d"
                     % (pdu.itt, len(self.held_tmfs)))
            return True
        return False

    def responses(self, conn, task, pdus):
        # after a command completes, an unsolicited scenario may be due
        if (self.name in UNSOLICITED or self.name == "nop-in-ping") and self.armed(conn):
            conn.send(pdus)
            self.fire_unsolicited(conn)
            return []
        fn = ON_RESPONSE.get(self.name)
        if self.name in ON_READ_DATA and pdus[0].opcode == OP_DATA_IN:
            fn = ON_READ_DATA[self.name]
        if fn is None or not self.armed(conn):
            return pdus
        self.done = True
        conn.log("event scenario %s on command itt=0x%08x cdb=%s"
                 % (self.name, task.itt, task.cdb.hex()))
        return fn(conn, task, pdus)

    def r2ts(self, conn, task, pdus):
        if self.name not in ON_R2T or not self.armed(conn):
            return pdus
        self.done = True
        conn.log("event scenario %s on command itt=0x%08x cdb=%s"
                 % (self.name, task.itt, task.cdb.hex()))
        return ON_R2T[self.name](conn, task, pdus[0])

    def on_command(self, conn, task):
        if self.name in UNSOLICITED and self.after and \
                self.armed(conn, on_command=True):
            # --after N: mid-I/O, where an idle moment may never come
            self.fire_unsolicited(conn)
            return False
        if self.name not in ON_COMMAND or not self.armed(conn, on_command=True):
            return False
        self.done = True
        n = self.name
        conn.log("event scenario %s on command itt=0x%08x cdb=%s"
                 % (n, task.itt, task.cdb.hex()))
        if n.startswith("reject-"):
            reason = [r for r, x in REJECT_REASONS.items() if "reject-" + x == n][0]
            conn.send(reject_pdu(conn, reason, task.pdu.bhs))
            return True
        if n in ("hang",):
            conn.silent = True
            return True
        if n == "stop-reading":
            conn.silent = True
            conn.stop_reading = True
            return True
        if n in ("no-answer-to-tmf", "drop-command"):
            return True
        if n == "abort-race":
            self.held_cmd = task
            return True
        if n == "close":
            conn.sock.shutdown(socket.SHUT_RDWR)
            return True
        if n == "capacity-changed":
            # the disk grows by 8 MiB; the command gets the unit attention
            disk = conn.t.disk
            with disk.lock:
                disk.mem.extend(bytes(8 << 20))
                disk.blocks = len(disk.mem) // disk.block
            conn.log("event scenario capacity-changed: now %d blocks" % disk.blocks)
            conn.send(conn.build_responses(task, CHECK_CONDITION, b"",
                                           sense_fixed(6, 0x2a, 0x09)))
            return True
        # digest scenarios: answer, but with a broken digest
        if (n == "bad-header-digest" and not conn.hd) or \
                (n == "bad-data-digest" and not conn.dd):
            conn.log("event scenario %s: digest not negotiated, answered normally" % n)
            return False
        conn.tasks[task.itt] = task
        if task.write:
            # answer the write without data: the digest is on the response
            task.next_offset = task.edtl
        conn.tasks.pop(task.itt, None)
        status, data, sense = conn.t.disk.execute(task.lun, task.cdb, b"")
        pdus = conn.build_responses(task, status, data, sense)
        raw = b"".join(p.encode(conn.hd, conn.dd) for p in pdus)
        raw = bytearray(raw)
        if n == "bad-header-digest":
            raw[48] ^= 0xff
        else:
            # the first PDU with data: flip its data digest's first byte
            p = pdus[0]
            hlen = 48 + len(p.ahs) + (4 if conn.hd else 0)
            dl = len(p.data) + ((4 - len(p.data) % 4) % 4)
            if not p.data:
                conn.log("event scenario bad-data-digest: response has no data")
            else:
                raw[hlen + dl] ^= 0xff
        conn.send(bytes(raw))
        return True
