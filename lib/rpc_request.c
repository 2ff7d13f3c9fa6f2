/* JSON-RPC 2.0 requests in, replies and errors out: rpc_request.h. */
#include "lib/rpc_request.h"
#include "lib/rpc.h"
#include "lib/string.h"

static bool method_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_';
}

static bool read_method(const struct json_doc *doc, int index, char *out)
{
	int n = json_get_string(doc, index, out, RPC_METHOD_MAX);

	if (n <= 0)
		return false;
	for (int i = 0; i < n; i++) {
		if (!method_char(out[i]))
			return false;
	}
	return true;
}

/* Every member one of the four, each once (the parser refused twins). */
static bool only_known_members(const struct json_doc *doc)
{
	static const char *const known[] = { "jsonrpc", "id", "method", "params" };
	uint32_t i = 1;

	for (uint32_t m = 0; m < doc->tok[0].count; m += 2) {
		bool found = false;
		for (unsigned k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			found = found || json_string_is(doc, (int)i, known[k]);
		if (!found)
			return false;
		i = doc->tok[i + 1].next;
	}
	return true;
}

int rpc_request_parse(const char *body, size_t len, struct json_token *tokens, uint32_t cap,
                      struct rpc_request *out)
{
	struct json_doc *doc = &out->doc;

	out->has_id = false;
	out->id = 0;
	out->method[0] = '\0';
	out->params = -1;
	if (json_parse(doc, body, len, tokens, cap))
		return RPC_ERR_PARSE;
	if (!json_is(doc, 0, JSON_OBJECT))
		return RPC_ERR_INVALID;
	out->has_id = json_get_u64(doc, json_member(doc, 0, "id"), &out->id);
	if (!out->has_id || !json_string_is(doc, json_member(doc, 0, "jsonrpc"), "2.0") ||
	    !read_method(doc, json_member(doc, 0, "method"), out->method) ||
	    !only_known_members(doc))
		return RPC_ERR_INVALID;
	int params = json_member(doc, 0, "params");
	if (params >= 0 && !json_is(doc, params, JSON_OBJECT))
		return RPC_ERR_INVALID;
	out->params = params;
	return 0;
}

void rpc_reply_begin(struct json_writer *w, uint64_t id)
{
	json_object_begin(w);
	json_member_string(w, "jsonrpc", "2.0");
	json_member_u64(w, "id", id);
	json_key(w, "result");
}

void rpc_reply_end(struct json_writer *w)
{
	json_object_end(w);
}

void rpc_error_write(struct json_writer *w, bool has_id, uint64_t id, int code, const char *message)
{
	json_object_begin(w);
	json_member_string(w, "jsonrpc", "2.0");
	json_key(w, "id");
	if (has_id)
		json_u64(w, id);
	else
		json_null(w);
	json_key(w, "error");
	json_object_begin(w);
	json_key(w, "code");
	json_i64(w, code);
	json_member_string(w, "message", message);
	json_object_end(w);
	json_object_end(w);
}

void rpc_notification_begin(struct json_writer *w, const char *method)
{
	json_object_begin(w);
	json_member_string(w, "jsonrpc", "2.0");
	json_member_string(w, "method", method);
	json_key(w, "params");
}
