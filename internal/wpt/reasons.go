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
	mk(`^fetch/api/request/request-cache`, "", "", "needs the WPT server: request-cache tests use cache.py (they also stop earlier on goja's missing Date.prototype.toGMTString)"),
	mk("", "", `SyntaxError: .*(async-iterator|patched-global|Async generators)`, "goja: no async generators / for await (the test file does not parse)"),
	mk("", "", `unexpected unicode length`, `goja: the parser panics (Go panic) on string literals with \u{10FFFF}; runtime must recover around compile`),
	mk("", "SharedArrayBuffer", "", "goja: no SharedArrayBuffer"),
	mk(`^encoding/`, "", `Value is not an object: null`, "goja: no SharedArrayBuffer (/common/sab.js returns null)"),
	mk("", "", `WebAssembly is not defined`, "goja: no WebAssembly (test makes buffers with WebAssembly.Memory)"),
	mk("", "", `source expected "\\\\/" but got "\\\\u002f"`, `goja: new RegExp("/").source is "\u002f" instead of "\/" (seen through structuredClone of RegExps)`),
	mk("", "", `toGMTString`, "goja: no Date.prototype.toGMTString (Annex B)"),
	mk("", "Float16", "", "goja: no Float16Array"),
	mk("", "", `has no member 'transfer'`, "goja: no ArrayBuffer.prototype.transfer (ES2024); the test detaches buffers with it"),

	// Tests the runner cannot serve.
	mk(`^FileAPI/file/send-file-formdata`, "in fetch with FormData", `assert_greater_than: file-for-upload`, "needs the WPT server: Python handlers (echo-content.py, file upload echo)"),
	mk("", "", `the WPT runner has no Python handlers`, "needs the WPT server: Python handlers (echo-content.py, file upload echo)"),
	mk(`^fetch/api/(headers/header-values|basic/header-value-combining|basic/request-private-network|basic/response-url)`, "", "", "needs the WPT server: Python handlers (inspect-headers.py etc.)"),
	mk(`^fetch/api/response/response-clone`, `^(Cloned responses should provide the same data|Cancelling stream should not affect cloned one)$`, "", "needs the WPT server: Python handlers (trickle.py)"),
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
	mk("", "", `setTimeout\(\): parameter 1 \(handler\) is not a function`, "not implemented: string handlers in setTimeout/setInterval (timers)"),
	mk(`^html/webappapis/timers/evil-spec-example`, "", "", "not implemented: string handlers in setTimeout/setInterval (timers)"),
	mk("", "", `quotaexceedederror|QuotaExceededError`, "not implemented: QuotaExceededError as a DOMException subclass (crypto.getRandomValues throws the old DOMException)"),
	mk("", "", `ReadableStream bodies are not available`, "not implemented: stream bodies (webapi body ↔ streams)"),
	mk("", "", `DataCloneError: #<(Blob|File)> could not be cloned`, "not implemented: structuredClone of Blob/File (structuredclone ↔ webapi/fileapi)"),
	mk("", "", `ReadableStream isn't transferable`, "not implemented: transferring a ReadableStream with structuredClone (structuredclone/streams)"),
	mk("", "", `has no member 'createObjectURL'`, "not implemented: URL.createObjectURL / blob: URLs (url, fileapi, fetch)"),
	mk("", "", `(\w+) is not defined`, "not implemented: $1"),
	mk(`^fetch/api/headers/headers-no-cors`, "", "", `not implemented: the "request-no-cors" Headers guard (webapi Headers; Request mode no-cors)`),
	mk(`^fetch/api/request/request-init-priority`, "", "", "not implemented: RequestInit.priority validation (webapi Request)"),
	mk(`^WebCryptoAPI/`, "", `Ed448|X448`, "not implemented: Ed448/X448 (webapi/crypto has Ed25519 and X25519 only)"),
	mk(`^WebCryptoAPI/`, "", `saltLength of 0 is not supported`, `not implemented: RSA-PSS signing with saltLength 0 (Go's crypto/rsa reads 0 as "auto") (webapi/crypto)`),

	// Deliberate differences.
	mk("", "", `Failed to (construct 'Request'|execute 'redirect' on 'Response'): Invalid URL`, "by design: no base URL in a worker routine, relative URLs in new Request()/Response.redirect() throw (as in workerd)"),

	// Bugs.
	mk("", "", `should not have a getter`, "bug: interface globals are installed as accessors (lazy install), WebIDL wants data properties (streams.Install: TextDecoderStream, CompressionStream, ...)"),
	mk("", "", `Dynamic objects do not support Symbol properties`, "bug: host objects (realm.Host, a goja DynamicObject) cannot hold Symbol-keyed properties"),
	mk(`^fetch/api/headers/headers-record`, "", "", "bug: Headers(record) does not follow WebIDL record conversion (Proxy trap order, non-enumerable keys) (webapi Headers)"),
	mk(`^fetch/api/headers/header-setcookie`, "Set-Cookie is a forbidden response header", "", "by design: a worker's Response may carry Set-Cookie (no \"response\" header guard, as in workerd)"),
	mk("", "", `application/x-www-form-urlencoded`, "bug: a URLSearchParams body gets Content-Type text/plain (webapi body extraction does not recognise URLSearchParams)"),
	mk("", "", `Buffer of cloned response stream is a clone|Cloned buffer chunks`, "bug: Response.clone() tee shares chunk buffers instead of structured-cloning them (webapi/streams)"),
	mk(`^fetch/api/response/response-clone`, "", "", "bug: Response.clone() tee shares chunk buffers instead of structured-cloning them (webapi/streams)"),
	mk(`^fetch/api/response/response-stream-disturbed`, "", "", "bug: after text()/json()/arrayBuffer(), response.body is null (fetched body) or still gives a reader (string body) (webapi body)"),
	mk(`^fetch/api/response/response-consume-empty`, "Consume empty FormData response body as text", "", "bug: an empty FormData body serialises to a 64-byte closing boundary; WPT expects an empty body (webapi/fileapi multipart)"),
	mk(`^fetch/api/response/response-consume-empty`, "", `assert_false`, "bug: consuming a null body sets bodyUsed, which must stay false (webapi body)"),
	mk(`^fetch/api/basic/request-head`, "", "", "bug: fetch() of a HEAD/GET Request with a body does not reject (fetch)"),
	mk("", "", `the receiver is not a AbortSignal`, "bug: pipeTo({signal: fake AbortSignal}) throws synchronously instead of returning a rejected promise (streams brand check)"),
	mk(`^streams/piping/general-addition`, "", "", "bug: pipeTo() runs the write algorithm synchronously inside enqueue() (streams)"),
	mk(`^streams/transform-streams/`, "", "", "bug: TransformStream error/terminate semantics (streams)"),
	mk(`^encoding/(iso-2022-jp|streams/decode-non-utf8)`, "", "", "bug: ISO-2022-JP decoder error handling (encoding)"),
	mk(`^encoding/legacy-mb-schinese/gbk`, "", "", "bug: GBK decoder maps pointer 7533 (0xA8BC) wrongly, expected U+1E3F (encoding)"),
	mk(`^compression/compression-output-length`, "", "", "bug: CompressionStream output is longer than its 29-byte repetitive input (not compressed, or flushed per chunk) (streams/compress)"),
	mk(`^dom/abort/AbortSignal`, "AbortSignal timeouts fire in order", "", "flaky: bug: AbortSignal.timeout() signals of equal delay do not always fire in creation order (dom/timers)"),
	mk(`^dom/events/Event-isTrusted`, "", "", "bug: Event isTrusted is not an own unforgeable accessor (dom)"),
	mk(`^url/urlsearchparams-constructor`, "", "", "bug: new URLSearchParams(params) ignores a custom [Symbol.iterator] set on params (likely the host-object Symbol-property limit) (url)"),
	mk(`^WebCryptoAPI/`, `altered (buffer|signature|data) during call`, "", "bug: SubtleCrypto copies the BufferSource arguments before normalizing the algorithm; the spec (and WPT) normalizes first, so changes made by an algorithm getter must be seen (webapi/crypto)"),
	mk(`^WebCryptoAPI/derive_bits_keys/`, `(with 0 length|PBKDF2 derivation with 0 as 'length')`, "", "bug: PBKDF2 deriveBits with length 0 returns an empty buffer; WPT expects OperationError (HKDF/ECDH may return empty) (webapi/crypto pbkdf2Derive)"),
	mk(`^WebCryptoAPI/`, "", `AesGcmParams.tagLength is outside the range`, "bug: AES-GCM tagLength 256 is rejected with TypeError by the octet conversion (as WebIDL [EnforceRange] would); WPT and browsers expect OperationError (webapi/crypto)"),

	// Harness-level outcomes.
	mk("", "", `^FAIL: TIMEOUT`, "timeout: the file did not complete within the runner's limit"),
	mk("", "", `^TIMEOUT`, "timeout: the subtest did not complete"),
	mk("", "", `Fetch API cannot load|fetch failed|network error|404`, "needs the WPT server: resource not served"),
}
