#include "exec_format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__linux__)
#include <elf.h>
#include <link.h> /* ElfW */
#endif

#include "buf.h"
#include "error.h"

/* Reads up to len bytes at offset; returns how many were read. */
static size_t read_at(int fd, void *data, size_t len, off_t offset)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (char *)data + got, len - got, offset + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

/* A #! line: its interpreter must be a file that can be executed. */
static int check_script(int fd, struct pt__buf *err)
{
	char line[256];
	size_t len = read_at(fd, line, sizeof(line) - 1, 0);
	char *interpreter = line + 2, *end;

	line[len] = '\0';
	if ((end = strchr(line, '\n')))
		*end = '\0';
	interpreter += strspn(interpreter, " \t");
	interpreter[strcspn(interpreter, " \t")] = '\0';
	if (!*interpreter) {
		pt__buf_adds(err, "its #! line names no interpreter");
		return PT__EUSAGE;
	}
	if (access(interpreter, X_OK)) {
		pt__buf_addf(err, "its interpreter \"%s\" cannot be run: %s", interpreter,
			     strerror(errno));
		return PT__EUSAGE;
	}
	return 0;
}

#if defined(__linux__)
/* An ELF image: for this machine, and every loadable part of it in the file. */
static int check_elf(int fd, off_t size, struct pt__buf *err)
{
	ElfW(Ehdr) header, ours;
	int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	bool known = self >= 0 && read_at(self, &ours, sizeof(ours), 0) == sizeof(ours);

	if (self >= 0)
		close(self);
	if (read_at(fd, &header, sizeof(header), 0) != sizeof(header)) {
		pt__buf_adds(err, "it is an ELF image cut short");
		return PT__EUSAGE;
	}
	if (known && (header.e_ident[EI_CLASS] != ours.e_ident[EI_CLASS] ||
		      header.e_ident[EI_DATA] != ours.e_ident[EI_DATA] ||
		      header.e_machine != ours.e_machine)) {
		pt__buf_adds(err, "it is an ELF image for another kind of machine");
		return PT__EUSAGE;
	}
	if (header.e_type != ET_EXEC && header.e_type != ET_DYN) {
		pt__buf_adds(err, "it is an ELF file but not an executable");
		return PT__EUSAGE;
	}
	if (header.e_phentsize != sizeof(ElfW(Phdr)) || !header.e_phnum ||
	    header.e_phoff > (ElfW(Off))size ||
	    (ElfW(Off))header.e_phnum * sizeof(ElfW(Phdr)) > (ElfW(Off))size - header.e_phoff) {
		pt__buf_adds(err,
			     "it is an ELF image whose program headers are missing or cut short");
		return PT__EUSAGE;
	}
	for (unsigned i = 0; i < header.e_phnum; i++) {
		ElfW(Phdr) segment;
		read_at(fd, &segment, sizeof(segment),
			(off_t)(header.e_phoff + i * sizeof(segment)));
		if (segment.p_type == PT_LOAD &&
		    (segment.p_offset > (ElfW(Off))size ||
		     segment.p_filesz > (ElfW(Off))size - segment.p_offset)) {
			pt__buf_adds(err, "it is an ELF image cut short");
			return PT__EUSAGE;
		}
	}
	return 0;
}
#endif

int pt__exec_format_check(const char *path, struct pt__buf *err)
{
	unsigned char magic[4] = {0};
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

	if (fd < 0 || fstat(fd, &st)) {
		pt__buf_addf(err, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return PT__EUSAGE;
	}
	size_t len = read_at(fd, magic, sizeof(magic), 0);
	if (!S_ISREG(st.st_mode)) {
		pt__buf_adds(err, "it is not a regular file");
		rc = PT__EUSAGE;
	} else if (!st.st_size) {
		pt__buf_adds(err, "it is empty");
		rc = PT__EUSAGE;
	} else if (len >= 2 && magic[0] == '#' && magic[1] == '!') {
		rc = check_script(fd, err);
#if defined(__linux__)
	} else if (len == 4 && !memcmp(magic, ELFMAG, SELFMAG)) {
		rc = check_elf(fd, st.st_size, err);
	} else {
		pt__buf_adds(err, "it is neither an ELF executable nor a script starting with #!");
		rc = PT__EUSAGE;
#endif
	}
	close(fd);
	return rc;
}
