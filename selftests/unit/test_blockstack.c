// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * From a mount point down to the iSCSI disks under it, through a fake
 * sysfs tree laid out as the kernel's: /sys/dev/block/M:m and
 * /sys/class/block/NAME link into /sys/devices, a partition has a
 * "partition" file under its disk, a dm or md device lists its slaves, a
 * SCSI disk's "device" is .../sessionN/targetH:C:T/H:C:T:L.  Each stack
 * names the right sessions and LUNs; a local disk is named, not taken.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "blockstack.h"

#pragma GCC diagnostic ignored "-Wclobbered"

static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd))
		abort();
}

FIXTURE(tree) {
	char root[64];
	char sys[96];
	char mountinfo[96];
	char mnt[96];
};

/*
 * sdb (session 3, LUN 2) with partition sdb1 (8:17); sdc (session 4,
 * LUN 0, 8:32); vda (local, 254:0); dm-0 (253:0) over sdb1 and sdc;
 * dm-1 (253:1) over vda and sdc.
 */
FIXTURE_SETUP(tree)
{
	const char *d = "devices/platform/kiscsi/host";

	strcpy(self->root, "/tmp/kiscsi-blk-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	snprintf(self->sys, sizeof(self->sys), "%s/sys", self->root);
	snprintf(self->mnt, sizeof(self->mnt), "%s/mnt", self->root);
	snprintf(self->mountinfo, sizeof(self->mountinfo), "%s/mountinfo",
		 self->root);
	sh("mkdir -p %s && cd %s && mkdir -p dev/block class/block devices/virtual/block "
	   "%s2/session3/target2:0:0/2:0:0:2/block/sdb/sdb1 "
	   "%s3/session4/target3:0:0/3:0:0:0/block/sdc "
	   "devices/pci0000:00/virtio1/block/vda "
	   "devices/virtual/block/dm-0/slaves devices/virtual/block/dm-1/slaves",
	   self->sys, self->sys, d, d);
	sh("cd %s && touch %s2/session3/target2:0:0/2:0:0:2/block/sdb/sdb1/partition && "
	   "ln -s ../.. %s2/session3/target2:0:0/2:0:0:2/block/sdb/device && "
	   "ln -s ../.. %s3/session4/target3:0:0/3:0:0:0/block/sdc/device && "
	   "ln -s ../.. devices/pci0000:00/virtio1/block/vda/device",
	   self->sys, d, d, d);
	sh("cd %s/class/block && "
	   "ln -s ../../%s2/session3/target2:0:0/2:0:0:2/block/sdb sdb && "
	   "ln -s ../../%s2/session3/target2:0:0/2:0:0:2/block/sdb/sdb1 sdb1 && "
	   "ln -s ../../%s3/session4/target3:0:0/3:0:0:0/block/sdc sdc && "
	   "ln -s ../../devices/pci0000:00/virtio1/block/vda vda && "
	   "ln -s ../../devices/virtual/block/dm-0 dm-0 && "
	   "ln -s ../../devices/virtual/block/dm-1 dm-1",
	   self->sys, d, d, d);
	sh("cd %s/dev/block && ln -s ../../class/block/sdb1 8:17 && "
	   "ln -s ../../class/block/sdc 8:32 && ln -s ../../class/block/vda 254:0 && "
	   "ln -s ../../class/block/dm-0 253:0 && ln -s ../../class/block/dm-1 253:1",
	   self->sys);
	sh("cd %s/devices/virtual/block && ln -s ../../../../class/block/sdb1 dm-0/slaves/sdb1 && "
	   "ln -s ../../../../class/block/sdc dm-0/slaves/sdc && "
	   "ln -s ../../../../class/block/vda dm-1/slaves/vda && "
	   "ln -s ../../../../class/block/sdc dm-1/slaves/sdc", self->sys);
	sh("mkdir -p %s/a %s/b %s/c %s/d\\ e %s/f", self->mnt, self->mnt,
	   self->mnt, self->mnt, self->mnt);
	sh("printf '%%s\\n' '20 1 254:0 / / rw - ext4 /dev/vda rw' "
	   "'30 20 8:17 / %s/a rw - ext4 /dev/sdb1 rw' "
	   "'31 20 253:0 / %s/b rw - ext4 /dev/dm-0 rw' "
	   "'32 20 253:1 / %s/c rw - ext4 /dev/dm-1 rw' "
	   "'33 20 8:32 / %s/d\\040e rw - ext4 /dev/sdc rw' "
	   "'34 20 0:42 / %s/f rw - tmpfs tmpfs rw' > %s",
	   self->mnt, self->mnt, self->mnt, self->mnt, self->mnt,
	   self->mountinfo);
}

FIXTURE_TEARDOWN(tree)
{
	sh("rm -rf '%s'", self->root);
}

static int stack(struct __test_metadata *_metadata, FIXTURE_DATA(tree) *self,
		 const char *sub, struct kiscsi_block_stack *st,
		 struct kiscsi_error *err)
{
	char arg[128];

	snprintf(arg, sizeof(arg), "%s/%s", self->mnt, sub);
	return kiscsi_block_stack(arg, self->sys, self->mountinfo, st, err);
}

TEST_F(tree, partition)
{
	struct kiscsi_block_stack st;
	struct kiscsi_error err = { 0 };

	ASSERT_EQ(0, stack(_metadata, self, "a", &st, &err)) TH_LOG("%s", err.msg);
	EXPECT_TRUE(st.mounted);
	EXPECT_STREQ("/dev/sdb1", st.device);
	ASSERT_EQ(1, st.n);
	EXPECT_EQ(3, st.disks[0].session_id);
	EXPECT_EQ(2, st.disks[0].lun);
	EXPECT_STREQ("sdb", st.disks[0].name);
	EXPECT_EQ(0, st.others);
}

TEST_F(tree, dm_over_two_sessions)
{
	struct kiscsi_block_stack st;
	struct kiscsi_error err = { 0 };

	ASSERT_EQ(0, stack(_metadata, self, "b", &st, &err)) TH_LOG("%s", err.msg);
	EXPECT_STREQ("/dev/dm-0", st.device);
	ASSERT_EQ(2, st.n);
	EXPECT_EQ(3 + 4, st.disks[0].session_id + st.disks[1].session_id);
	EXPECT_EQ(2 + 0, st.disks[0].lun + st.disks[1].lun);
}

TEST_F(tree, dm_over_a_local_disk_too)
{
	struct kiscsi_block_stack st;
	struct kiscsi_error err = { 0 };

	ASSERT_EQ(0, stack(_metadata, self, "c", &st, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(1, st.n);
	EXPECT_EQ(4, st.disks[0].session_id);
	EXPECT_EQ(1, st.others);
	EXPECT_STREQ("vda", st.other);
}

TEST_F(tree, escaped_mount_point)
{
	struct kiscsi_block_stack st;
	struct kiscsi_error err = { 0 };

	ASSERT_EQ(0, stack(_metadata, self, "d e", &st, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(1, st.n);
	EXPECT_STREQ("sdc", st.disks[0].name);
}

TEST_F(tree, refusals)
{
	struct kiscsi_block_stack st;
	struct kiscsi_error err = { 0 };
	char arg[128];

	EXPECT_EQ(-KISCSI_E_INVAL, stack(_metadata, self, "f", &st, &err));
	EXPECT_NE(NULL, strstr(err.msg, "not on a block device")) TH_LOG("%s", err.msg);
	snprintf(arg, sizeof(arg), "%s/sys", self->root);
	EXPECT_EQ(-KISCSI_E_INVAL, kiscsi_block_stack(arg, self->sys,
						      self->mountinfo, &st, &err));
	EXPECT_NE(NULL, strstr(err.msg, "is not a mount point")) TH_LOG("%s", err.msg);
	EXPECT_EQ(-KISCSI_E_INVAL, kiscsi_block_stack(self->mountinfo, self->sys,
						      self->mountinfo, &st, &err));
	EXPECT_NE(NULL, strstr(err.msg, "neither a block device nor a mount point"));
	/* / is vda here: one line naming it */
	EXPECT_EQ(-KISCSI_E_NOSESSION, kiscsi_block_stack("/", self->sys,
							  self->mountinfo, &st, &err));
	EXPECT_STREQ("/dev/vda is not an iSCSI disk", err.msg);
}

TEST_HARNESS_MAIN
