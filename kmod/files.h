/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATE_FILES_H
#define MEDGATE_FILES_H

#include <linux/types.h>

struct file;
struct linux_binprm;
struct medgate_task_label;

int medgate_decide_file_open(struct file *file, u64 profile);
int medgate_decide_exec(struct linux_binprm *bprm, struct medgate_task_label *label);

#endif /* MEDGATE_FILES_H */
