/* kioskctl config ... (filled in with the settings module) */
#include <stdio.h>
#include "commands.h"
int cmd_config(int argc, char **argv)
{
    fprintf(stderr, "kioskctl config: not built yet\n");
    return 2;
}
