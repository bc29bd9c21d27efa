package wpt

// rules group failing subtests by cause; WPT_UPDATE=1 writes the reason of
// the first matching rule for failures that expectations.json does not
// explain yet (reasons already there are kept). Keep them honest: "goja:"
// for engine limits, "not implemented:" for missing APIs, "bug:" for wrong
// behaviour, "by design:" for deliberate differences from a browser worker,
// "needs the WPT server:" for tests the runner cannot serve. The package
// responsible is in parentheses.
var rules = []rule{
	// Engine (goja) limits.
	mk("", "", `WebAssembly is not defined`, "goja: no WebAssembly (test makes buffers with WebAssembly.Memory)"),
	mk("", "", `source expected "\\\\/" but got "\\\\u002f"`, `goja: new RegExp("/").source is "\u002f" instead of "\/" (seen through structuredClone of RegExps)`),

	// Tests the runner cannot serve.
	mk("", "", `the WPT runner has no Python handlers`, "needs the WPT server: a Python handler the runner does not reimplement (handlers.go pyHandlers)"),
	mk("", "", `fetchtest: no route for`, "needs the WPT server: other hosts (get-host-info's remote origins are not routed)"),
	mk("", "", `\{\{`, "needs the WPT server: template substitution"),
	mk("", "", `XMLHttpRequest is not defined`, "not implemented: XMLHttpRequest (not planned for workers; the test needs it)"),
	mk("", "", `MessageChannel is not defined`, "not implemented: MessageChannel (the test needs it)"),

	// Missing APIs.
	mk("", "", `\b(Blob|File) is not defined`, "not implemented: Blob/File (webapi/fileapi, not installed yet)"),
	mk(`^FileAPI/`, "", `should have a (Blob|File) property|assert_throws`, "not implemented: Blob/File (webapi/fileapi, not installed yet)"),
	mk("", "", `FormData is not defined`, "not implemented: FormData (webapi/fileapi, not installed yet)"),
	mk("", "", `has no member 'formData'`, "not implemented: Body.formData() (registered by webapi/fileapi, not installed yet)"),
	mk("", "", `has no member 'blob'`, "not implemented: Body.blob() (registered by webapi/fileapi, not installed yet)"),
	mk("", "", `Fetch API cannot load "data:`, "not implemented: fetch() of data: URLs (fetch); its error message also garbles % escapes (Sprintf with the URL as format)"),
	mk("", "", `setTimeout\(\): parameter 1 \(handler\) is not a function`, "by design: no code from strings (string handlers, eval) in a routine, as in workerd (timers)"),
	mk(`^html/webappapis/timers/evil-spec-example`, "", "", "by design: no code from strings (string handlers, eval) in a routine, as in workerd (timers)"),
	mk("", "", `quotaexceedederror|QuotaExceededError`, "not implemented: QuotaExceededError as a DOMException subclass (crypto.getRandomValues throws the old DOMException)"),
	mk("", "", `ReadableStream bodies are not available`, "not implemented: stream bodies (webapi body ↔ streams)"),
	mk("", "", `DataCloneError: #<(Blob|File)> could not be cloned`, "not implemented: structuredClone of Blob/File (structuredclone ↔ webapi/fileapi)"),
	mk("", "", `ReadableStream isn't transferable`, "not implemented: transferring a ReadableStream with structuredClone (structuredclone/streams)"),
	mk("", "", `has no member 'createObjectURL'`, "not implemented: URL.createObjectURL / blob: URLs (url, fileapi, fetch)"),
	mk("", "", `(\w+) is not defined`, "not implemented: $1"),
	mk(`^fetch/api/headers/headers-no-cors`, "", "", `not implemented: the "request-no-cors" Headers guard (webapi Headers; Request mode no-cors)`),
	mk(`^fetch/api/request/request-init-priority`, "", "", "not implemented: RequestInit.priority validation (webapi Request)"),
	mk(`^WebCryptoAPI/`, "", `Ed448|X448`, "not implemented: Ed448/X448 (webapi/crypto has Ed25519 and X25519 only)"),

	// net/http, which fetch() uses on the network (the runner's Wire
	// reproduces it in process).
	mk("", "", `net/http: invalid header field value`, "bug: fetch() sends through net/http, which refuses request header values with control characters other than HTAB (valid per Fetch; browsers send them), so fetch() rejects (fetch, net/http limit)"),
	mk("", "", `net/http cannot parse the response`, `bug: net/http's client rejects response header values with control characters (here \v\f), which browsers accept: fetch() rejects (fetch, net/http limit)`),
	mk(`^fetch/api/basic/header-value-combining`, "content-length", `expected "0, 0" but got "0"`, "bug: net/http folds repeated identical Content-Length fields into one (fetch, net/http limit)"),
	mk(`^fetch/api/request/request-cache`, "", `assert_equals: expected \d+ but got \d+|fetch should have been an error`, "not implemented: HTTP cache for fetch() (cache modes are accepted, nothing is cached; only-if-cached never fails) (fetch)"),
	mk(`^fetch/api/basic/conditional-get`, "", "", "not implemented: HTTP cache for fetch() (no conditional revalidation) (fetch)"),
	mk(`^fetch/api/basic/accept-header`, "", "", "not implemented: the default Accept: */* request header (fetch)"),
	mk(`^fetch/api/basic/request-headers-case`, "", "", "bug: fetch() sends header names in Go's canonical case and a repeated name as separate lines; browsers keep the first name's case and join the values (fetch, net/http)"),
	mk(`^fetch/api/basic/error-after-response`, "", "", "bug: a fetched body errors only when read: after a network error past the last read(), reader.closed stays pending (fetch/streams Go body bridge)"),

	// Deliberate differences.
	mk("", `^Adding invalid request header|is a forbidden request header$|is forbidden to use value|^Check that request constructor is filtering headers provided as init parameter$`, "", "by design: no forbidden request header names in a server runtime (webapi Headers), as in workerd"),
	mk(`^fetch/api/basic/`, "", `Request has header user-agent`, "by design: fetch() sends no default User-Agent (fetch)"),
	mk(`^fetch/api/basic/`, "", `Request should have an Origin header|Request should have header origin`, "by design: a server runtime has no origin: fetch() sends no Origin header (fetch)"),
	mk(`^fetch/api/basic/request-referrer`, "", "", "by design: a server runtime has no referrer: fetch() sends no Referer header (fetch)"),
	mk(`^fetch/api/basic/accept-header`, "accept-language", "", "by design: no Accept-Language (no user locale in a server runtime) (fetch)"),
	mk("", "", `Failed to (construct 'Request'|execute 'redirect' on 'Response'): Invalid URL`, "by design: no base URL in a worker routine, relative URLs in new Request()/Response.redirect() throw (as in workerd)"),

	// Bugs.
	mk("", "", `should not have a getter`, "by design: the streams interfaces (TextDecoderStream, CompressionStream, ...) are globals with an accessor until first use, so that isolates that never use streams do not build them (cold start); WebIDL wants data properties (streams.Install)"),
	mk("", "", `Dynamic objects do not support Symbol properties`, "bug: host objects (realm.Host, a goja DynamicObject) cannot hold Symbol-keyed properties"),
	mk(`^fetch/api/headers/headers-record`, "", "", "bug: Headers(record) does not follow WebIDL record conversion (Proxy trap order, non-enumerable keys) (webapi Headers)"),
	mk(`^fetch/api/headers/header-setcookie`, "Set-Cookie is a forbidden response header", "", "by design: a worker's Response may carry Set-Cookie (no \"response\" header guard, as in workerd)"),
	mk("", "", `application/x-www-form-urlencoded`, "bug: a URLSearchParams body gets Content-Type text/plain (webapi body extraction does not recognise URLSearchParams)"),
	mk("", "", `Buffer of cloned response stream is a clone|Cloned buffer chunks`, "bug: Response.clone() tee shares chunk buffers instead of structured-cloning them (webapi/streams)"),
	mk(`^fetch/api/response/response-clone`, "", "", "bug: Response.clone() tee shares chunk buffers instead of structured-cloning them (webapi/streams)"),
	mk(`^fetch/api/response/response-stream-disturbed`, "", "", "bug: after text()/json()/arrayBuffer(), response.body is null (fetched body) or still gives a reader (string body) (webapi body)"),
	mk(`^fetch/api/(request|response)/(request|response)-consume-empty`, "Consume empty FormData (request|response) body as text", "", "by design: an empty FormData serialises to its closing boundary, as Chromium and Firefox send it (the format is unspecified, whatwg/fetch#392; the test expects WebKit's empty body and has a FIXME) (webapi/fileapi multipart)"),
	mk(`^fetch/api/request/request-disturbed`, "disturbed even if body is not used", "", "by design: follows the current Fetch spec (since whatwg/fetch#675): a body given in init replaces the input's, which stays untouched; the test predates it (webapi Request)"),
	mk(`^fetch/api/request/request-init-stream`, `getReader\(\) is called`, "", "bug: new Request(request) does not throw when the input's body is locked (webapi Request)"),
	mk(`^fetch/api/request/request-init-stream`, `omit \.duplex`, "", `bug: a ReadableStream body without duplex: "half" does not throw (duplex defaults to "half") (webapi Request)`),
	mk(`^fetch/api/request/request-keepalive`, "stream body", "", "bug: keepalive with a ReadableStream body does not throw (webapi Request)"),
	mk(`^fetch/api/response/response-consume-empty`, "", `assert_false`, "bug: consuming a null body sets bodyUsed, which must stay false (webapi body)"),
	mk(`^fetch/api/basic/request-head\.any`, "", "", "bug: fetch() of a HEAD/GET Request with a body does not reject (fetch)"),
	mk("", "", `the receiver is not a AbortSignal`, "bug: pipeTo({signal: fake AbortSignal}) throws synchronously instead of returning a rejected promise (streams brand check)"),
	mk(`^streams/piping/general-addition`, "", "", "bug: pipeTo() runs the write algorithm synchronously inside enqueue() (streams)"),
	mk(`^streams/transform-streams/`, "", "", "outdated test: predates whatwg/streams#1283 (transformer.cancel); the current spec and upstream WPT expect the opposite, and the current upstream files pass (streams)"),
	mk(`^encoding/(iso-2022-jp|streams/decode-non-utf8)`, "", "", "bug: ISO-2022-JP decoder error handling (encoding)"),
	mk(`^encoding/legacy-mb-schinese/gbk`, "", "", "bug: GBK decoder maps pointer 7533 (0xA8BC) wrongly, expected U+1E3F (encoding)"),
	mk(`^compression/compression-output-length`, "", "", "needs the WPT server: /media/test-av-384k-44100Hz-1ch-320x240-30fps-10kfr.webm is not in the checkout, so the test compresses the 19-byte 404 body, which no DEFLATE can shrink (passes with the file present)"),
	mk(`^dom/abort/AbortSignal`, "AbortSignal timeouts fire in order", "", "flaky: bug: AbortSignal.timeout() signals of equal delay do not always fire in creation order (dom/timers)"),
	mk(`^dom/events/Event-isTrusted`, "", "", "goja: host objects are DynamicObjects, which cannot have own accessor properties: isTrusted is an accessor on Event.prototype, not an own unforgeable one (internal/realm)"),
	mk(`^url/urlsearchparams-constructor`, "", "", "bug: new URLSearchParams(params) ignores a custom [Symbol.iterator] set on params (likely the host-object Symbol-property limit) (url)"),
	mk(`^WebCryptoAPI/`, `altered (buffer|signature|data) during call`, "", "bug: SubtleCrypto copies the BufferSource arguments before normalizing the algorithm; the spec (and WPT) normalizes first, so changes made by an algorithm getter must be seen (webapi/crypto)"),
	mk(`^WebCryptoAPI/derive_bits_keys/`, `(with 0 length|PBKDF2 derivation with 0 as 'length')`, "", "bug: PBKDF2 deriveBits with length 0 returns an empty buffer; WPT expects OperationError (HKDF/ECDH may return empty) (webapi/crypto pbkdf2Derive)"),
	mk(`^WebCryptoAPI/`, "", `AesGcmParams.tagLength is outside the range`, "bug: AES-GCM tagLength 256 is rejected with TypeError by the octet conversion (as WebIDL [EnforceRange] would); WPT and browsers expect OperationError (webapi/crypto)"),

	// Harness-level outcomes.
	mk("", "", `^FAIL: TIMEOUT`, "timeout: the file did not complete within the runner's limit"),
	mk("", "", `^TIMEOUT`, "timeout: the subtest did not complete"),
	mk("", "", `Fetch API cannot load|fetch failed|network error|404`, "needs the WPT server: resource not served"),
}
