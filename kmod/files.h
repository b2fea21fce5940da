/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATE_FILES_H
#define MEDGATE_FILES_H

#include <linux/types.h>

struct dentry;
struct file;
struct linux_binprm;
struct path;
struct medgate_task_label;

int medgate_decide_file_open(struct file *file, u64 profile);
int medgate_decide_file_receive(struct file *file, u64 profile);
int medgate_decide_file_fcntl(struct file *file, unsigned int cmd, unsigned long arg,
			      u64 profile);
int medgate_decide_file_permission(struct file *file, int mask, u64 profile);
struct vm_area_struct;
int medgate_decide_mmap(struct file *file, unsigned long prot, unsigned long flags, u64 profile);
int medgate_decide_mprotect(struct vm_area_struct *vma, unsigned long prot, u64 profile);
int medgate_decide_entry(const struct path *dir, struct dentry *dentry, u32 op, u64 profile);
int medgate_decide_rename(const struct path *old_dir, struct dentry *old_dentry,
			  const struct path *new_dir, struct dentry *new_dentry, u64 profile);
int medgate_decide_link(struct dentry *old_dentry, const struct path *new_dir,
			struct dentry *new_dentry, u64 profile);
int medgate_decide_setattr(const struct path *path, bool truncate, u64 profile);
int medgate_decide_exec(struct linux_binprm *bprm, struct medgate_task_label *label);

#endif /* MEDGATE_FILES_H */
