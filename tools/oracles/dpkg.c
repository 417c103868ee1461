/* Reads "A<TAB>B" lines; writes -1, 0 or 1 (dpkg's order of A and B), or
 * "error" when dpkg refuses either version. libdpkg, as dpkg
 * --compare-versions uses it: versions it only warns about (not starting
 * with a digit, unusual characters) are compared, as that command does.
 * Build: gcc dpkg.c $(pkg-config --cflags --libs libdpkg) -lmd (Debian's
 * libdpkg-dev). */
#define LIBDPKG_VOLATILE_API 1
#include <dpkg/dpkg.h>
#include <dpkg/dpkg-db.h>
#include <dpkg/version.h>
#include <dpkg/error.h>
#include <stdio.h>
#include <string.h>

int main(void) {
	char line[65536];
	while (fgets(line, sizeof line, stdin)) {
		line[strcspn(line, "\n")] = 0;
		char *tab = strchr(line, '\t');
		if (!tab) { puts("error"); continue; }
		*tab = 0;
		struct dpkg_version a, b;
		struct dpkg_error err = DPKG_ERROR_INIT;
		if (parseversion(&a, line, &err) < 0 && err.type == DPKG_MSG_ERROR) {
			dpkg_error_destroy(&err); puts("error"); continue;
		}
		dpkg_error_destroy(&err);
		if (parseversion(&b, tab + 1, &err) < 0 && err.type == DPKG_MSG_ERROR) {
			dpkg_error_destroy(&err); puts("error"); continue;
		}
		dpkg_error_destroy(&err);
		int r = dpkg_version_compare(&a, &b);
		printf("%d\n", r < 0 ? -1 : r > 0 ? 1 : 0);
	}
	return 0;
}
