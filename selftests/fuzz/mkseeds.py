#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the seed corpus (corpus/NAME/*): well-formed and typical inputs
for each harness, from which libFuzzer mutates.  Run it after changing a
seed; the files it writes are committed.  Crashes the fuzzers found are
kept beside them as crash-* files and are not written here."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ISID = bytes([0x80, 0x12, 0x34, 0x56, 0x00, 0x01])   # fuzz_login.c
ITT = 0x10000000                                        # kiscsi_login_ctx_init


def text(*pairs):
    return b"".join(p.encode() + b"\0" for p in pairs)


def pad(d):
    return d + b"\0" * (-len(d) % 4)


def login_rsp(data=b"", t=True, c=False, csg=0, nsg=1, tsih=0, statsn=0,
              cls=0, detail=0, itt=ITT, isid=ISID, opcode=0x23):
    flags = (0x80 if t else 0) | (0x40 if c else 0) | (csg << 2) | nsg
    bhs = struct.pack(">BBBBB", opcode, flags, 0, 0, 0)
    bhs += len(data).to_bytes(3, "big") + isid + struct.pack(">H", tsih)
    bhs += struct.pack(">I", itt) + b"\0" * 4
    bhs += struct.pack(">III", statsn, 1, 32) + bytes([cls, detail])
    bhs += b"\0" * (48 - len(bhs))
    return bhs + pad(data)


def text_rsp(data=b"", final=True, cont=False, ttt=0xffffffff,
             itt=ITT + 1, statsn=2):
    flags = (0x80 if final else 0) | (0x40 if cont else 0)
    bhs = struct.pack(">BBxxB", 0x24, flags, 0) + len(data).to_bytes(3, "big")
    bhs += b"\0" * 8 + struct.pack(">IIIII", itt, ttt, statsn, 2, 33)
    bhs += b"\0" * (48 - len(bhs))
    return bhs + pad(data)


def logout_rsp(itt=ITT + 2, response=0, statsn=3):
    bhs = struct.pack(">BBBxB", 0x26, 0x80, response, 0) + b"\0" * 11
    bhs += struct.pack(">I", itt) + b"\0" * 4
    bhs += struct.pack(">III", statsn, 3, 34) + b"\0" * 4
    bhs += struct.pack(">HH", 2, 0)
    bhs += b"\0" * (48 - len(bhs))
    return bhs


OPERATIONAL = text(
    "HeaderDigest=None", "DataDigest=None",
    "MaxRecvDataSegmentLength=65536", "MaxConnections=1",
    "InitialR2T=Yes", "ImmediateData=Yes", "FirstBurstLength=65536",
    "MaxBurstLength=262144", "DefaultTime2Wait=2", "DefaultTime2Retain=0",
    "MaxOutstandingR2T=1", "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes",
    "ErrorRecoveryLevel=0")
DISCOVERY_OP = text("HeaderDigest=None", "DataDigest=None",
                    "MaxRecvDataSegmentLength=8192",
                    "DefaultTime2Wait=2", "DefaultTime2Retain=0",
                    "ErrorRecoveryLevel=0")
SECURITY = text("AuthMethod=None", "TargetPortalGroupTag=1",
                "TargetAlias=disk1")
SENDTARGETS = text(
    "TargetName=iqn.2003-01.org.example:disk1",
    "TargetAddress=192.0.2.10:3260,1",
    "TargetAddress=[2001:db8::10]:3260,2",
    "TargetAlias=first disk",
    "TargetName=iqn.2003-01.org.example:disk2",
    "TargetAddress=[fe80::1%eth0]:3261,3",
    "TargetName=iqn.2003-01.org.example:disk3")

SEEDS = {
    "fuzz_textkey": {
        # flags byte, then the text
        "operational-answers": b"\x02" + OPERATIONAL,
        "operational-offers": b"\x00" + OPERATIONAL,
        "discovery-answers": b"\x03" + DISCOVERY_OP,
        "security": b"\x00" + SECURITY,
        "crc32c-erl2": b"\x1a" + text("HeaderDigest=CRC32C,None",
                                      "DataDigest=None,CRC32C",
                                      "ErrorRecoveryLevel=2",
                                      "InitialR2T=No", "ImmediateData=No"),
        "special-values": b"\x06" + text(
            "MaxBurstLength=NotUnderstood", "InitialR2T=Irrelevant",
            "HeaderDigest=Reject", "X-com.example.Foo=bar",
            "IFMarker=Yes", "OFMarkInt=1~65535",
            "MaxRecvDataSegmentLength=0x2000") + b"\0\0",
        "chap": b"\x00" + text("AuthMethod=CHAP", "CHAP_A=5", "CHAP_I=7",
                               "CHAP_C=0x" + "a5" * 16),
        "redirect": b"\x00" + text("TargetAddress=[2001:db8::1]:3260,1"),
    },
    "fuzz_sendtargets": {
        "three-targets": SENDTARGETS,
        "no-address": text("TargetName=iqn.2003-01.org.example:only"),
        "reject": text("SendTargets=Reject"),
        "hostnames": text("TargetName=eui.0123456789ABCDEF",
                          "TargetAddress=target.example.com,7",
                          "TargetAddress=10.1.1.1",
                          "TargetAddress=fe80::2"),
    },
    "fuzz_portal": {
        "ipv4": b"192.0.2.10",
        "ipv4-port": b"192.0.2.10:3261",
        "ipv6": b"[2001:db8::1]:3260",
        "ipv6-zone-tpgt": b"[fe80::1%eth0]:3260,1",
        "ipv6-bare": b"fe80::1",
        "hostname-tpgt": b"target.example.com,65535",
    },
    "fuzz_login": {
        # flags byte (bit 0: discovery, bit 1: the target repeats its
        # bytes forever), then what the target sends
        "normal": b"\x00" + login_rsp(SECURITY, csg=0, nsg=1, statsn=100)
        + login_rsp(OPERATIONAL, csg=1, nsg=3, tsih=5, statsn=101),
        "normal-continued": b"\x00"
        + login_rsp(SECURITY, csg=0, nsg=1, statsn=7)
        + login_rsp(OPERATIONAL[:100], t=False, c=True, csg=1, nsg=0,
                    statsn=8)
        + login_rsp(OPERATIONAL[100:], csg=1, nsg=3, tsih=9, statsn=9),
        "stay-in-security": b"\x00"
        + login_rsp(text("AuthMethod=None"), t=False, csg=0, nsg=0)
        + login_rsp(text("TargetPortalGroupTag=3"), csg=0, nsg=1, statsn=1)
        + login_rsp(text("MaxRecvDataSegmentLength=262144", "IFMarker=Yes"),
                    t=False, csg=1, nsg=0, statsn=2)
        + login_rsp(OPERATIONAL, csg=1, nsg=3, tsih=1, statsn=3),
        "redirect": b"\x00" + login_rsp(
            text("TargetAddress=[2001:db8::2]:3260,1"), t=False, csg=0,
            nsg=0, cls=1, detail=1),
        "auth-failure": b"\x00" + login_rsp(cls=2, detail=1),
        "chap-required": b"\x00" + login_rsp(text("AuthMethod=CHAP"),
                                             t=False, nsg=0),
        "reject": b"\x00" + login_rsp(opcode=0x3f),
        "discovery": b"\x01" + login_rsp(SECURITY, csg=0, nsg=1, statsn=1)
        + login_rsp(DISCOVERY_OP, csg=1, nsg=3, tsih=2, statsn=1)
        + text_rsp(SENDTARGETS) + logout_rsp(),
        "repeat-normal": b"\x02"
        + login_rsp(SECURITY, csg=0, nsg=1, statsn=100)
        + login_rsp(OPERATIONAL, csg=1, nsg=3, tsih=5, statsn=101),
        "repeat-never-transit": b"\x02" + login_rsp(
            text("AuthMethod=None"), t=False, csg=0, nsg=0),
        "repeat-continued": b"\x02" + login_rsp(
            text("X-org.kiscsi.Pad=" + "p" * 46), t=False, c=True, csg=0,
            nsg=0),
        "repeat-discovery": b"\x03"
        + login_rsp(text("AuthMethod=None"), csg=0, nsg=1, statsn=1)
        + login_rsp(DISCOVERY_OP, csg=1, nsg=3, tsih=2, statsn=1)
        + text_rsp(SENDTARGETS[:70], final=False, cont=True, ttt=0x55),
        "discovery-continued": b"\x01"
        + login_rsp(text("AuthMethod=None"), csg=0, nsg=1, statsn=1)
        + login_rsp(DISCOVERY_OP, csg=1, nsg=3, tsih=2, statsn=1)
        + text_rsp(SENDTARGETS[:70], final=False, cont=True, ttt=0x55)
        + text_rsp(SENDTARGETS[70:], statsn=3)
        + logout_rsp(statsn=4),
    },
}


def main():
    for harness, seeds in SEEDS.items():
        d = os.path.join(HERE, "corpus", harness)
        os.makedirs(d, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
