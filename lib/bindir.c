/*
 * The directory make install put partest in, so that an installed test
 * program finds it without PATH. The build tree's library leaves it empty;
 * make install compiles this file again with -DPT__BINDIR='"$(BINDIR)"' and
 * puts that object in the installed library instead.
 */
#include "handover.h"

#ifndef PT__BINDIR
#define PT__BINDIR ""
#endif

const char pt__installed_bindir[] = PT__BINDIR;
