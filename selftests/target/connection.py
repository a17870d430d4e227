# SPDX-License-Identifier: GPL-2.0
"""One initiator connection: login (security and operational negotiation),
then Full Feature Phase serving the RAM disk.  A Behavior object (normal,
a scenario or a fuzz case) sees every PDU and every response before it goes
out and may change, drop or add to them."""
import random
import select
import time
import struct

from iscsi_pdu import (PDU, ProtocolError, read_pdu, parse_text, build_text,
                       RESERVED_TAG, OP_NOP_OUT, OP_SCSI_CMD, OP_TMF_REQ,
                       OP_LOGIN_REQ, OP_TEXT_REQ, OP_DATA_OUT, OP_LOGOUT_REQ,
                       OP_SNACK, OP_NOP_IN, OP_SCSI_RSP, OP_TMF_RSP,
                       OP_LOGIN_RSP, OP_TEXT_RSP, OP_DATA_IN, OP_LOGOUT_RSP,
                       OP_R2T, OP_REJECT, OPCODE_NAMES)
from scsi_disk import GOOD, CHECK_CONDITION


class Task:
    """A SCSI command in progress."""

    def __init__(self, pdu):
        self.pdu = pdu
        self.itt = pdu.itt
        self.lun = pdu.lun
        self.cdb = pdu.cdb()
        self.edtl = pdu.u32(20)
        self.cmdsn = pdu.u32(24)
        self.read = bool(pdu.flags & 0x40)
        self.write = bool(pdu.flags & 0x20)
        self.buf = bytearray(self.edtl if self.write else 0)
        self.received = 0
        self.unsolicited_open = False
        self.r2tsn = 0
        self.r2t = None         # [ttt, offset, length, received]
        self.next_offset = 0    # where the next R2T starts


class Behavior:
    """Normal target: every hook passes things through."""
    name = "normal"

    def on_ffp(self, conn):
        pass

    def on_pdu(self, conn, pdu):
        """Return True when the PDU was handled (no normal answer)."""
        return False

    def on_command(self, conn, task):
        """A SCSI command arrived (conn.commands counts them)."""
        return False

    def responses(self, conn, task, pdus):
        """The Data-In / SCSI Response PDUs of a finished command."""
        return pdus

    def r2ts(self, conn, task, pdus):
        return pdus

    def on_idle(self, conn):
        pass

    def on_close(self, conn):
        pass


class Connection:
    def __init__(self, target, sock, peer, behavior, conn_id):
        self.t = target
        self.sock = sock
        self.peer = peer
        self.b = behavior
        self.id = conn_id
        self.hd = False
        self.dd = False
        self.statsn = random.randint(1, 1 << 20)
        self.exp_cmdsn = 0
        self.window = target.args.cmd_window
        self.max_cmdsn = None   # the MaxCmdSN last advertised
        self.exp_statsn_seen = None
        self.keys = {}
        # what the initiator may receive from us / we from it
        self.ini_mrdsl = 8192
        a = target.args
        self.p = {"first_burst": a.first_burst, "max_burst": a.max_burst,
                  "initial_r2t": a.initial_r2t,
                  "immediate_data": a.immediate_data,
                  "max_recv_dlen": a.max_recv_dlen, "datain_pdu": 1 << 24}
        self.p.update(getattr(behavior, "params", {}))
        self.our_mrdsl = self.p["max_recv_dlen"]
        self.first_burst = 65536
        self.max_burst = 262144
        self.immediate_data = True
        self.initial_r2t = True
        self.tasks = {}
        self.done_itts = []
        self.commands = 0
        self.silent = False
        self.stop_reading = False
        self.closing = False
        self.ttt_next = 0x1000
        self.discovery = False
        self.tsih = 0
        self.digest_answers = {}

    # -- output ------------------------------------------------------------
    def log(self, msg):
        self.t.log("conn=%d %s" % (self.id, msg))

    def send(self, items):
        """PDUs (encoded with the negotiated digests) or raw bytes."""
        if isinstance(items, (PDU, bytes, bytearray)):
            items = [items]
        out = b""
        for it in items:
            if isinstance(it, PDU):
                out += it.encode(self.hd, self.dd)
            else:
                out += bytes(it)
        if out and not self.silent:
            self.sock.sendall(out)

    def sn(self, pdu, advance=True):
        """StatSN, ExpCmdSN and MaxCmdSN of a response."""
        pdu.set_u32(24, self.statsn)
        if advance:
            self.statsn = (self.statsn + 1) & 0xffffffff
        pdu.set_u32(28, self.exp_cmdsn)
        self.max_cmdsn = (self.exp_cmdsn + self.window - 1) & 0xffffffff
        pdu.set_u32(32, self.max_cmdsn)
        return pdu

    def new_ttt(self):
        self.ttt_next = (self.ttt_next + 1) & 0x7fffffff
        return self.ttt_next

    # -- login ---------------------------------------------------------------
    def negotiate(self, key, val, a):
        """Answer one operational key; returns the value or None."""
        def num(lo=None, hi=None, fn=min, ours=None):
            try:
                v = int(val, 0)
            except (TypeError, ValueError):
                return "Reject"
            if ours is not None:
                v = fn(v, ours)
            return str(v)

        if key in ("HeaderDigest", "DataDigest"):
            # the first of the initiator's list that --digests allows
            ok = {"none": ["None"], "crc32c": ["CRC32C"],
                  "allow": ["None", "CRC32C"]}[a.digests]
            for o in (x.strip() for x in (val or "").split(",")):
                if o in ok:
                    return o
            return "Reject"
        if key == "MaxRecvDataSegmentLength":
            try:
                self.ini_mrdsl = int(val, 0)
            except (TypeError, ValueError):
                return "Reject"
            return None     # declarative: ours goes out on its own
        if key == "FirstBurstLength":
            r = num(ours=self.p["first_burst"])
            self.first_burst = int(r) if r.isdigit() else 65536
            return r
        if key == "MaxBurstLength":
            r = num(ours=self.p["max_burst"])
            self.max_burst = int(r) if r.isdigit() else 262144
            return r
        if key == "MaxOutstandingR2T":
            return num(ours=1)
        if key == "MaxConnections":
            return num(ours=1)
        if key == "DefaultTime2Retain":
            return num(ours=0)
        if key == "DefaultTime2Wait":
            return num(fn=max, ours=2)
        if key == "ErrorRecoveryLevel":
            return num(ours=0)
        if key == "InitialR2T":
            self.initial_r2t = val == "Yes" or self.p["initial_r2t"] == "Yes"
            return "Yes" if self.initial_r2t else "No"
        if key == "ImmediateData":
            self.immediate_data = val == "Yes" and self.p["immediate_data"] == "Yes"
            return "Yes" if self.immediate_data else "No"
        if key in ("DataPDUInOrder", "DataSequenceInOrder"):
            return "Yes"
        if key in ("IFMarker", "OFMarker"):
            return "No"
        if key in ("InitiatorName", "InitiatorAlias", "TargetName",
                   "SessionType", "TargetAlias", "AuthMethod"):
            return None
        return "NotUnderstood"

    def login(self):
        a = self.t.args
        text = b""
        sent_mrdsl = False
        while True:
            pdu = read_pdu(self.sock)
            self.t.log_pdu(self, pdu)
            if pdu.opcode != OP_LOGIN_REQ:
                raise ProtocolError("opcode 0x%02x during login" % pdu.opcode)
            text += pdu.data
            flags = pdu.flags
            transit, cont = bool(flags & 0x80), bool(flags & 0x40)
            csg, nsg = (flags >> 2) & 3, flags & 3
            self.exp_cmdsn = pdu.u32(24)
            rsp = PDU(OP_LOGIN_RSP)
            rsp.bhs[2] = 0
            rsp.bhs[3] = 0
            rsp.bhs[8:14] = pdu.bhs[8:14]
            rsp.itt = pdu.itt
            if cont:
                rsp.flags = csg << 2
                self.send(self.sn(rsp, advance=False))
                continue
            kv = parse_text(text)
            text = b""
            for k, v in kv:
                self.keys[k] = v
            status = 0
            if self.keys.get("SessionType") == "Discovery":
                self.discovery = True
            elif self.keys.get("TargetName") != a.iqn:
                status = 0x0203
            if status:
                rsp.bhs[36], rsp.bhs[37] = status >> 8, status & 0xff
                self.send(self.sn(rsp, advance=False))
                raise EOFError("login to an unknown target %r"
                               % self.keys.get("TargetName"))
            answers = []
            for k, v in kv:
                if csg == 0:
                    if k == "AuthMethod":
                        methods = (v or "").split(",")
                        answers.append((k, "None" if "None" in methods else "Reject"))
                    elif k not in ("InitiatorName", "InitiatorAlias",
                                   "TargetName", "SessionType"):
                        r = self.negotiate(k, v, a)
                        if r is not None:
                            answers.append((k, r))
                else:
                    r = self.negotiate(k, v, a)
                    if r is not None:
                        answers.append((k, r))
            if csg == 0 and "TargetPortalGroupTag" not in [x[0] for x in answers]:
                answers.append(("TargetPortalGroupTag", "1"))
            if csg == 1 and not sent_mrdsl:
                answers.append(("MaxRecvDataSegmentLength", str(self.our_mrdsl)))
                sent_mrdsl = True
            if transit and nsg == 3 and not sent_mrdsl:
                answers.append(("MaxRecvDataSegmentLength", str(self.our_mrdsl)))
                sent_mrdsl = True
            rflags = (csg << 2)
            if transit:
                rflags |= 0x80 | nsg
            rsp.flags = rflags
            if transit and nsg == 3:
                self.tsih = self.t.next_tsih()
                rsp.set_u16(14, self.tsih)
                if self.t.args.login_delay and not self.discovery:
                    # two logins of one nexus overlap in the initiator
                    time.sleep(self.t.args.login_delay)
            rsp.data = build_text(answers)
            for k, v in answers:
                if k in ("HeaderDigest", "DataDigest"):
                    self.digest_answers[k] = v == "CRC32C"
            self.send(self.sn(rsp, advance=True))
            if transit and nsg == 3:
                self.hd = self.digest_answers.get("HeaderDigest", False)
                self.dd = self.digest_answers.get("DataDigest", False)
                self.log("login done: tsih=%d discovery=%d hd=%d dd=%d ini_mrdsl=%d "
                         "fbl=%d mbl=%d immediate=%d initial_r2t=%d" % (
                             self.tsih, self.discovery, self.hd, self.dd,
                             self.ini_mrdsl, self.first_burst, self.max_burst,
                             self.immediate_data, self.initial_r2t))
                return

    # -- full feature phase --------------------------------------------------
    def run(self):
        self.login()
        if self.t.args.bad_pdu_after_login and not self.discovery:
            # in the socket before kiscsi.ko has it: its io_work fails the
            # connection while the session is still being brought up
            self.log("sending an unknown opcode right after login")
            self.send(self.sn(PDU(0x1c), advance=False))
        self.b.on_ffp(self)
        while not self.closing:
            if self.stop_reading:
                time.sleep(0.2)
                continue
            r, _, _ = select.select([self.sock], [], [], 0.2)
            if not r:
                self.b.on_idle(self)
                continue
            pdu = read_pdu(self.sock, self.hd, self.dd)
            self.t.log_pdu(self, pdu)
            if self.b.on_pdu(self, pdu) or self.silent:
                continue
            if self.t.args.seed is None:
                self.check_expstatsn(pdu)
            self.dispatch(pdu)

    def check_expstatsn(self, pdu):
        """ExpStatSN acknowledges the status sent: it never goes back,
        never gets ahead of the next StatSN, and by a Logout covers all."""
        if pdu.opcode not in (OP_SCSI_CMD, OP_NOP_OUT, OP_TMF_REQ, OP_TEXT_REQ,
                              OP_LOGOUT_REQ, OP_DATA_OUT):
            return
        got = pdu.u32(28)
        name = OPCODE_NAMES.get(pdu.opcode, "?")
        if self.exp_statsn_seen is not None and \
                0 < (self.exp_statsn_seen - got) & 0xffffffff < 1 << 31:
            self.log("expstatsn violation: %s expstatsn=%d after %d"
                     % (name, got, self.exp_statsn_seen))
        if 0 < (got - self.statsn) & 0xffffffff < 1 << 31:
            self.log("expstatsn violation: %s expstatsn=%d ahead of StatSN %d"
                     % (name, got, self.statsn))
        if pdu.opcode == OP_LOGOUT_REQ and got != self.statsn:
            self.log("expstatsn violation: logout-req expstatsn=%d, StatSN %d sent"
                     % (got, self.statsn))
        self.exp_statsn_seen = got

    def take_cmdsn(self, pdu):
        """A non-immediate request must carry the next CmdSN: on one
        connection an initiator sends its commands in CmdSN order."""
        if pdu.immediate:
            return
        got = pdu.u32(24)
        if got != self.exp_cmdsn:
            self.log("cmdsn-order violation: %s cmdsn=%d, expected %d"
                     % (OPCODE_NAMES.get(pdu.opcode, "?"), got, self.exp_cmdsn))
        # past the window we advertised (fuzz cases lie about it on purpose)
        ahead = (got - self.max_cmdsn) & 0xffffffff if self.max_cmdsn is not None else 0
        if 0 < ahead < 1 << 31 and self.t.args.seed is None:
            self.log("cmdsn-window violation: %s cmdsn=%d, MaxCmdSN %d"
                     % (OPCODE_NAMES.get(pdu.opcode, "?"), got, self.max_cmdsn))
        self.exp_cmdsn = (got + 1) & 0xffffffff

    def dispatch(self, pdu):
        op = pdu.opcode
        if op == OP_SCSI_CMD:
            self.take_cmdsn(pdu)
            self.command(pdu)
        elif op == OP_DATA_OUT:
            self.data_out(pdu)
        elif op == OP_NOP_OUT:
            self.take_cmdsn(pdu)
            if pdu.itt != RESERVED_TAG:
                rsp = PDU(OP_NOP_IN, data=pdu.data)
                rsp.flags = 0x80
                rsp.lun = pdu.lun
                rsp.itt = pdu.itt
                rsp.ttt = RESERVED_TAG
                self.send(self.sn(rsp))
        elif op == OP_TMF_REQ:
            self.tmf(pdu)
        elif op == OP_LOGOUT_REQ:
            self.take_cmdsn(pdu)
            if self.t.args.logout_answer == "respond":
                rsp = PDU(OP_LOGOUT_RSP)
                rsp.flags = 0x80
                rsp.itt = pdu.itt
                rsp.set_u16(40, self.t.args.time2wait)
                self.send(self.sn(rsp))
            self.closing = True
        elif op == OP_TEXT_REQ:
            self.take_cmdsn(pdu)
            self.text(pdu)
        elif op == OP_SNACK:
            pass
        else:
            self.reject(pdu, 0x04)

    def reject(self, pdu, reason):
        rsp = PDU(OP_REJECT, data=bytes(pdu.bhs))
        rsp.flags = 0x80
        rsp.bhs[2] = reason
        rsp.itt = RESERVED_TAG
        rsp.set_u32(20, 0)
        self.send(self.sn(rsp))

    def text(self, pdu):
        kv = parse_text(pdu.data)
        out = []
        for k, v in kv:
            if k == "SendTargets":
                host, port = self.sock.getsockname()[:2]
                out.append(("TargetName", self.t.args.iqn))
                out.append(("TargetAddress", "%s:%d,1" % (host, port)))
            else:
                out.append((k, "NotUnderstood"))
        rsp = PDU(OP_TEXT_RSP, data=build_text(out))
        rsp.flags = 0x80
        rsp.itt = pdu.itt
        rsp.ttt = RESERVED_TAG
        self.send(self.sn(rsp))

    def tmf(self, pdu):
        fn = pdu.flags & 0x7f
        response = 0
        if fn == 1:
            self.tasks.pop(pdu.u32(20), None)
        elif fn in (2, 4, 5, 6, 7):
            self.tasks.clear()
        else:
            response = 5    # not supported
        rsp = PDU(OP_TMF_RSP)
        rsp.flags = 0x80
        rsp.bhs[2] = response
        rsp.itt = pdu.itt
        self.send(self.sn(rsp))
        if fn == 7:
            self.closing = True

    # -- SCSI ----------------------------------------------------------------
    def command(self, pdu):
        task = Task(pdu)
        self.commands += 1
        if self.b.on_command(self, task):
            return
        self.tasks[task.itt] = task
        if task.write:
            if pdu.data:
                n = min(len(pdu.data), task.edtl)
                task.buf[:n] = pdu.data[:n]
                task.received = n
                task.next_offset = n
            # F=0: unsolicited Data-Out follows up to FirstBurstLength
            task.unsolicited_open = not (pdu.flags & 0x80)
            if task.unsolicited_open:
                return
            self.write_progress(task)
        else:
            self.finish(task)

    def data_out(self, pdu):
        task = self.tasks.get(pdu.itt)
        if task is None or not task.write:
            return      # aborted task or bogus: ignore
        off = pdu.u32(40)
        n = min(len(pdu.data), max(0, task.edtl - off))
        task.buf[off:off + n] = pdu.data[:n]
        task.received += n
        task.next_offset = max(task.next_offset, off + n)
        final = bool(pdu.flags & 0x80)
        if pdu.ttt == RESERVED_TAG:
            if final:
                task.unsolicited_open = False
                self.write_progress(task)
            return
        if task.r2t and pdu.ttt == task.r2t[0]:
            task.r2t[3] += n
            if final:
                task.r2t = None
                self.write_progress(task)

    def write_progress(self, task):
        """Ask for the rest with an R2T, or finish the write."""
        if task.next_offset >= task.edtl:
            self.finish(task)
            return
        length = min(self.max_burst, task.edtl - task.next_offset)
        r2t = PDU(OP_R2T)
        r2t.flags = 0x80
        r2t.lun = task.lun
        r2t.itt = task.itt
        r2t.ttt = self.new_ttt()
        r2t.set_u32(36, task.r2tsn)
        r2t.set_u32(40, task.next_offset)
        r2t.set_u32(44, length)
        self.sn(r2t, advance=False)
        task.r2t = [r2t.ttt, task.next_offset, length, 0]
        task.r2tsn += 1
        task.next_offset += length
        self.send(self.b.r2ts(self, task, [r2t]))

    def finish(self, task):
        self.tasks.pop(task.itt, None)
        status, data, sense = self.t.disk.execute(task.lun, task.cdb,
                                                  bytes(task.buf))
        pdus = self.build_responses(task, status, data, sense)
        self.done_itts.append(task.itt)
        del self.done_itts[:-64]
        self.send(self.b.responses(self, task, pdus))

    def build_responses(self, task, status, data, sense):
        """Data-In PDUs (status in the last one when good), else a SCSI
        Response; residuals against the expected transfer length."""
        pdus = []
        resid_flags, resid = 0, 0
        if task.read or not task.write:
            data = data[:task.edtl]
            if len(data) < task.edtl:
                resid_flags, resid = 0x02, task.edtl - len(data)
        if task.write and task.received < task.edtl:
            resid_flags, resid = 0x02, task.edtl - task.received
        if data and status == GOOD and task.read:
            off, datasn = 0, 0
            while off < len(data):
                chunk = data[off:off + min(self.ini_mrdsl, self.p["datain_pdu"])]
                d = PDU(OP_DATA_IN, data=chunk)
                d.lun = task.lun
                d.itt = task.itt
                d.ttt = RESERVED_TAG
                d.set_u32(36, datasn)
                d.set_u32(40, off)
                off += len(chunk)
                datasn += 1
                last = off >= len(data)
                if last:
                    d.flags = 0x80 | 0x01 | resid_flags
                    d.bhs[3] = status
                    d.set_u32(44, resid)
                    self.sn(d, advance=True)
                else:
                    self.sn(d, advance=False)
                    d.set_u32(24, 0)
                pdus.append(d)
            return pdus
        rsp = PDU(OP_SCSI_RSP)
        rsp.flags = 0x80 | resid_flags
        rsp.bhs[2] = 0
        rsp.bhs[3] = status
        rsp.itt = task.itt
        rsp.set_u32(44, resid)
        if status == CHECK_CONDITION and sense:
            rsp.data = struct.pack(">H", len(sense)) + sense
        self.sn(rsp)
        pdus.append(rsp)
        return pdus
