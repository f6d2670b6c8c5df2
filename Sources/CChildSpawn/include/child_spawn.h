#ifndef CHILD_SPAWN_H
#define CHILD_SPAWN_H
#include <sys/types.h>

/// posix_spawn with the child's standard descriptors set to `in_fd`, `out_fd` and `err_fd`,
/// every other descriptor closed in the child (posix_spawn_file_actions_addclosefrom_np), and
/// `cwd` (may be NULL) as its working directory. `envp` NULL means this process's environment.
/// Returns 0 and sets `*pid`, or an errno value.
int careledger_child_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                           const char *cwd, int in_fd, int out_fd, int err_fd);

#endif
