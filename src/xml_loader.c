#include "xml_loader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static struct pt__xml xml;
static bool loaded;

static const char install[] = "install libxml2 (apt-get install libxml2) or point "
			      "PARTEST_LIBXML2_LIBRARY at libxml2.so.2";

static bool look_up_all(void *handle, const char **missing)
{
	static const struct {
		const char *symbol;
		size_t offset;
	} entries[] = {
#define ENTRY(field, symbol) {symbol, offsetof(struct pt__xml, field)}
		ENTRY(reader_for_file, "xmlReaderForFile"),
		ENTRY(set_error_handler, "xmlTextReaderSetErrorHandler"),
		ENTRY(read, "xmlTextReaderRead"),
		ENTRY(node_type, "xmlTextReaderNodeType"),
		ENTRY(const_local_name, "xmlTextReaderConstLocalName"),
		ENTRY(get_attribute, "xmlTextReaderGetAttribute"),
		ENTRY(read_string, "xmlTextReaderReadString"),
		ENTRY(is_empty_element, "xmlTextReaderIsEmptyElement"),
		ENTRY(locator_line_number, "xmlTextReaderLocatorLineNumber"),
		ENTRY(free_reader, "xmlFreeTextReader"),
#undef ENTRY
	};

	for (size_t i = 0; i < sizeof(entries) / sizeof(*entries); i++) {
		/* POSIX: a function's address fits in, and converts from, a void *. */
		void *sym = dlsym(handle, entries[i].symbol);
		if (!sym) {
			*missing = entries[i].symbol;
			return false;
		}
		memcpy((char *)&xml + entries[i].offset, &sym, sizeof(sym));
	}
	/* xmlFree is a variable holding the deallocator, not a function. */
	xmlFreeFunc *free_slot = dlsym(handle, "xmlFree");
	if (!free_slot || !*free_slot) {
		*missing = "xmlFree";
		return false;
	}
	xml.free = *free_slot;
	return true;
}

const struct pt__xml *pt__xml_load(struct pt__buf *err)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	const char *path = getenv("PARTEST_LIBXML2_LIBRARY");
	const char *missing = NULL;
	const struct pt__xml *result;
	void *handle;

	pthread_mutex_lock(&lock);
	if (loaded)
		goto out;
	if (!path || !*path)
		path = "libxml2.so.2";
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		const char *why = dlerror();
		pt__buf_addf(err, "cannot load libxml2 to read JUnit XML: %s; %s", why ? why : path,
			     install);
	} else if (!look_up_all(handle, &missing)) {
		pt__buf_addf(err, "cannot use %s to read JUnit XML: it has no %s; %s", path,
			     missing, install);
		dlclose(handle);
		memset(&xml, 0, sizeof(xml));
	} else {
		loaded = true;
	}
out:
	result = loaded ? &xml : NULL;
	pthread_mutex_unlock(&lock);
	return result;
}
