/*
 * Console text as a page message.  The line carries bytes, not UTF-8
 * (a guest may print anything): each byte is taken as Latin-1 and written
 * as UTF-8, so the message is always valid JSON and the page gets every
 * byte back as one character.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "visualzvm.h"

char *console_message(const uint8_t *bytes, size_t len)
{
	char *utf8 = malloc(2 * len + 1);
	size_t n = 0;

	if (!utf8)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (bytes[i] == 0) {
			continue; /* a C string cannot hold it; a terminal shows nothing */
		} else if (bytes[i] < 0x80) {
			utf8[n++] = (char)bytes[i];
		} else {
			utf8[n++] = (char)(0xc0 | bytes[i] >> 6);
			utf8[n++] = (char)(0x80 | (bytes[i] & 0x3f));
		}
	}
	utf8[n] = '\0';
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "type", "console");
	cJSON_AddStringToObject(m, "data", utf8);
	char *text = cJSON_PrintUnformatted(m);
	cJSON_Delete(m);
	free(utf8);
	return text;
}
