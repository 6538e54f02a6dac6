/* The main() a test program gets unless it defines its own. */
#include <partest.h>

int main(int argc, char **argv)
{
	return pt_main(argc, argv);
}
