/*
 * libxml2, loaded with dlopen() the first time a JUnit file is read, so that
 * a run that reads none (and `partest --version`) does not pay for loading
 * it and the ICU libraries it pulls in. libxml2's headers give the types;
 * the entry points are looked up with dlsym().
 */
#ifndef PT_XML_LOADER_H
#define PT_XML_LOADER_H

#include <libxml/xmlreader.h>

#include "buf.h"

/* The entry points partest's JUnit reader uses. */
struct pt__xml {
	xmlTextReaderPtr (*reader_for_file)(const char *path, const char *encoding, int options);
	void (*set_error_handler)(xmlTextReaderPtr reader, xmlTextReaderErrorFunc f, void *arg);
	int (*read)(xmlTextReaderPtr reader);
	int (*node_type)(xmlTextReaderPtr reader);
	const xmlChar *(*const_local_name)(xmlTextReaderPtr reader);
	xmlChar *(*get_attribute)(xmlTextReaderPtr reader, const xmlChar *name);
	xmlChar *(*read_string)(xmlTextReaderPtr reader);
	int (*is_empty_element)(xmlTextReaderPtr reader);
	int (*locator_line_number)(xmlTextReaderLocatorPtr locator);
	void (*free_reader)(xmlTextReaderPtr reader);
	xmlFreeFunc free; /* what releases the strings the reader returns */
};

/*
 * libxml2's entry points, loading it on the first call: $PARTEST_LIBXML2_LIBRARY
 * when set, else libxml2.so.2 where the dynamic linker finds it. Returns
 * NULL with what failed and what to install in err (no prefix: the caller
 * says which file needed it).
 */
const struct pt__xml *pt__xml_load(struct pt__buf *err);

#endif
