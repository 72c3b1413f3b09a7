/*
 * container_runner's secrets shim: the first program of a Docker container whose run asked for
 * secrets. It takes the secrets from stdin, puts them in place, and then becomes the container's
 * real command with execve(2): the same process (PID 1), the same stdin (what follows the secrets:
 * the run's input_data), stdout and stderr, the image's entrypoint semantics kept by the runner,
 * which passes the command the engine would have run.
 *
 * usage: secrets-shim [--dir DIR] -- COMMAND [ARG]...
 *
 * stdin starts with, all numbers big-endian:
 *   "CRSECRETS1\n"  u32 count  then count entries of
 *   u8 kind ('F': a file DIR/NAME, 'E': an environment variable NAME)  u16 name length  name
 *   u32 value length  value
 * Nothing more is read from stdin. Files are created mode 0400, never through a symbolic link and
 * never over an existing file; DIR (default /run/secrets, a tmpfs owned by the container user) is
 * then made read-only (0500). The buffers holding values are cleared before the exec.
 *
 * COMMAND is looked up as runc does: used as it is when it holds a '/', else in each directory of
 * the PATH variable (an empty entry is the working directory), the first regular file with an
 * execute bit set.
 *
 * Exit status when it cannot get that far: 125 secrets not delivered (malformed input, a file
 * that cannot be written), 126 COMMAND cannot be executed, 127 COMMAND not found. Its messages go
 * to stderr and start with "container-runner secrets shim: ".
 *
 * Build (static, so it runs in any image): scripts/build-secrets-shim.sh
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "CRSECRETS1\n"
#define MAX_ENTRIES 64
#define MAX_NAME 255
#define MAX_VALUE (1u << 20)

extern char **environ;

static void fail(int status, const char *format, ...) {
    char message[1024];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(message, sizeof message - 1, format, args);
    va_end(args);
    if (n < 0) {
        n = 0;
    }
    if ((size_t) n > sizeof message - 2) {
        n = sizeof message - 2;
    }
    message[n++] = '\n';
    const char *prefix = "container-runner secrets shim: ";
    (void) !write(2, prefix, strlen(prefix));
    (void) !write(2, message, (size_t) n);
    _exit(status);
}

/* Reads exactly n bytes from stdin; never more. */
static void read_exactly(void *buffer, size_t n, const char *what) {
    unsigned char *p = buffer;
    while (n > 0) {
        ssize_t got = read(0, p, n);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            fail(125, "reading the secrets from stdin (%s): %s", what, strerror(errno));
        }
        if (got == 0) {
            fail(125, "stdin ended before the secrets did (%s)", what);
        }
        p += got;
        n -= (size_t) got;
    }
}

static uint32_t read_u32(const char *what) {
    unsigned char b[4];
    read_exactly(b, 4, what);
    return ((uint32_t) b[0] << 24) | ((uint32_t) b[1] << 16) | ((uint32_t) b[2] << 8) | b[3];
}

static int is_secret_name(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > 63) {
        return 0;
    }
    for (; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) {
            return 0;
        }
    }
    return 1;
}

static int is_variable_name(const char *s) {
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_')) {
        return 0;
    }
    for (s++; *s; s++) {
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) {
            return 0;
        }
    }
    return 1;
}

static void write_file(const char *dir, const char *name, const unsigned char *value, size_t length) {
    char path[4096];
    if ((size_t) snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path) {
        fail(125, "the path of secret %s is too long", name);
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
    if (fd < 0) {
        fail(125, "cannot create %s: %s", path, strerror(errno));
    }
    while (length > 0) {
        ssize_t n = write(fd, value, length);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            fail(125, "cannot write %s: %s", path, strerror(errno));
        }
        value += n;
        length -= (size_t) n;
    }
    if (fchmod(fd, 0400) != 0 || close(fd) != 0) {
        fail(125, "cannot finish %s: %s", path, strerror(errno));
    }
}

/* runc's lookup: a name with '/' as it is, else the first executable regular file on PATH. */
static const char *find_command(const char *command, char *found, size_t size) {
    struct stat st;
    if (strchr(command, '/') != NULL) {
        return command;
    }
    const char *path = getenv("PATH");
    if (path == NULL) {
        path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    }
    for (const char *p = path;; ) {
        const char *end = strchr(p, ':');
        size_t n = end == NULL ? strlen(p) : (size_t) (end - p);
        int w = n == 0 ? snprintf(found, size, "./%s", command) : snprintf(found, size, "%.*s/%s", (int) n, p, command);
        if (w > 0 && (size_t) w < size && stat(found, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0) {
            return found;
        }
        if (end == NULL) {
            return NULL;
        }
        p = end + 1;
    }
}

int main(int argc, char **argv) {
    const char *dir = "/run/secrets";
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "--dir") == 0) {
        dir = argv[i + 1];
        i += 2;
    }
    if (i >= argc || strcmp(argv[i], "--") != 0 || i + 1 >= argc) {
        fail(125, "usage: secrets-shim [--dir DIR] -- COMMAND [ARG]... (no command was given: the image has no"
                  " entrypoint or cmd and the task named none)");
    }
    char **command = argv + i + 1;

    char magic[sizeof MAGIC - 1];
    read_exactly(magic, sizeof magic, "header");
    if (memcmp(magic, MAGIC, sizeof magic) != 0) {
        fail(125, "stdin does not start with the secrets header");
    }
    uint32_t count = read_u32("count");
    if (count > MAX_ENTRIES) {
        fail(125, "%u secrets: at most %d", count, MAX_ENTRIES);
    }
    int files = 0;
    for (uint32_t e = 0; e < count; e++) {
        unsigned char head[3];
        read_exactly(head, 3, "entry");
        unsigned char kind = head[0];
        size_t name_length = ((size_t) head[1] << 8) | head[2];
        if ((kind != 'F' && kind != 'E') || name_length == 0 || name_length > MAX_NAME) {
            fail(125, "entry %u is malformed", e);
        }
        char name[MAX_NAME + 1];
        read_exactly(name, name_length, "name");
        name[name_length] = '\0';
        if (strlen(name) != name_length || (kind == 'F' ? !is_secret_name(name) : !is_variable_name(name))) {
            fail(125, "entry %u has a malformed name", e);
        }
        uint32_t length = read_u32("value length");
        if (length > MAX_VALUE) {
            fail(125, "the value of %s is larger than %u bytes", name, MAX_VALUE);
        }
        unsigned char *value = malloc((size_t) length + 1);
        if (value == NULL) {
            fail(125, "out of memory");
        }
        read_exactly(value, length, "value");
        value[length] = '\0';
        if (kind == 'F') {
            write_file(dir, name, value, length);
            files++;
        } else {
            if (memchr(value, '\0', length) != NULL) {
                fail(125, "the value for variable %s holds a NUL byte", name);
            }
            if (setenv(name, (const char *) value, 1) != 0) {
                fail(125, "cannot set variable %s: %s", name, strerror(errno));
            }
        }
        explicit_bzero(value, (size_t) length + 1);
        free(value);
    }
    if (files > 0 && chmod(dir, 0500) != 0) {
        fail(125, "cannot make %s read-only: %s", dir, strerror(errno));
    }

    char found[4096];
    const char *path = find_command(command[0], found, sizeof found);
    if (path == NULL) {
        fail(127, "exec: \"%s\": executable file not found in $PATH", command[0]);
    }
    execve(path, command, environ);
    fail(errno == ENOENT ? 127 : 126, "exec: \"%s\": %s", command[0], strerror(errno));
    return 126;
}
