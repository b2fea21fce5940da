/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATE_PATH_H
#define MEDGATE_PATH_H

#include <linux/path.h>

char *medgate_path_buffer_get(void);
void medgate_path_buffer_put(void);
const char *medgate_path_resolve(const struct path *path, char *buf);
int medgate_path_init(void);
void medgate_path_uninit(void);

#endif /* MEDGATE_PATH_H */
