#include "service.h"

#include <string.h>

static const app_service *const *services;
static size_t n_services;

void service_install(const app_service *const *list, size_t n)
{
    services = list;
    n_services = n;
}

size_t service_count(void)
{
    return n_services;
}

const app_service *service_at(size_t i)
{
    return i < n_services ? services[i] : NULL;
}

const app_verb *service_find_verb(const char *word)
{
    for (size_t i = 0; i < n_services; i++)
        for (size_t j = 0; j < services[i]->n_verbs; j++)
            if (!strcmp(services[i]->verbs[j].word, word))
                return &services[i]->verbs[j];
    return NULL;
}
