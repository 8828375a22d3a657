/* kioskctl catalog ... (filled in with the catalogue module) */
#include <stdio.h>
#include "commands.h"
int cmd_catalog(int argc, char **argv)
{
    fprintf(stderr, "kioskctl catalog: not built yet\n");
    return 2;
}
