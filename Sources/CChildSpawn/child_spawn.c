// The test processes' child launcher. glibc declares the *_np file actions only under
// _GNU_SOURCE, which Swift's Glibc module does not define; hence this small C target.
#define _GNU_SOURCE
#include <spawn.h>
#include <unistd.h>
#include "child_spawn.h"

extern char **environ;

int careledger_child_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                           const char *cwd, int in_fd, int out_fd, int err_fd) {
    posix_spawn_file_actions_t actions;
    int rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) return rc;
    if ((rc = posix_spawn_file_actions_adddup2(&actions, in_fd, 0)) == 0 &&
        (rc = posix_spawn_file_actions_adddup2(&actions, out_fd, 1)) == 0 &&
        (rc = posix_spawn_file_actions_adddup2(&actions, err_fd, 2)) == 0 &&
        (rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3)) == 0 &&
        (cwd == NULL || (rc = posix_spawn_file_actions_addchdir_np(&actions, cwd)) == 0)) {
        rc = posix_spawn(pid, path, &actions, NULL, argv, envp ? envp : environ);
    }
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}
