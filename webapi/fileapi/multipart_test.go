package fileapi_test

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"regexp"
	"strings"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi/fileapi"
)

// serialize builds a FormData with script src (which must leave it in
// globalThis.fd) and serializes it.
func serialize(t *testing.T, e *jstest.Env, src string) (body []byte, contentType string) {
	t.Helper()
	e.MustRun(src)
	onLoop(t, e, func(t require.TestingT) {
		fd, ok := fileapi.FormDataFrom(e.R.VM().Get("fd"))
		require.True(t, ok)
		body, contentType = fileapi.SerializeMultipart(fd)
	})
	return body, contentType
}

func boundaryOf(t *testing.T, contentType string) string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	require.NoError(t, err)
	require.Equal(t, "multipart/form-data", mt)
	return params["boundary"]
}

func TestSerializeMultipartFormat(t *testing.T) {
	e := env(t)
	body, ct := serialize(t, e, `
		globalThis.fd = new FormData();
		fd.append("field", "line1\nline2\rline3\r\nend");
		fd.append("we\"ird\nname\r", "v");
		fd.append("file", new File(["raw\nbytes\r"], "a\"b\r\nc.txt", {type: "text/csv"}));
		fd.append("blob", new Blob([new Uint8Array([0, 255])]));
		fd.append("ünï", "cödé");`)
	b := boundaryOf(t, ct)
	assert.Regexp(t, regexp.MustCompile(`^----WorkerhostFormBoundary[0-9a-f]{32}$`), b)
	want := "--B\r\n" +
		"Content-Disposition: form-data; name=\"field\"\r\n\r\n" +
		"line1\r\nline2\r\nline3\r\nend\r\n" +
		"--B\r\n" +
		"Content-Disposition: form-data; name=\"we%22ird%0D%0Aname%0D%0A\"\r\n\r\n" +
		"v\r\n" +
		"--B\r\n" +
		"Content-Disposition: form-data; name=\"file\"; filename=\"a%22b%0D%0Ac.txt\"\r\n" +
		"Content-Type: text/csv\r\n\r\n" +
		"raw\nbytes\r\r\n" +
		"--B\r\n" +
		"Content-Disposition: form-data; name=\"blob\"; filename=\"blob\"\r\n" +
		"Content-Type: application/octet-stream\r\n\r\n" +
		"\x00\xff\r\n" +
		"--B\r\n" +
		"Content-Disposition: form-data; name=\"ünï\"\r\n\r\n" +
		"cödé\r\n" +
		"--B--\r\n"
	assert.Equal(t, strings.ReplaceAll(want, "--B", "--"+b), string(body))

	// Boundaries are random.
	_, ct2 := serialize(t, e, `globalThis.fd = new FormData();`)
	assert.NotEqual(t, b, boundaryOf(t, ct2))
}

func TestSerializeMultipartEmpty(t *testing.T) {
	e := env(t)
	body, ct := serialize(t, e, `globalThis.fd = new FormData();`)
	b := boundaryOf(t, ct)
	assert.Equal(t, "--"+b+"--\r\n", string(body))
	onLoop(t, e, func(t require.TestingT) {
		obj, err := fileapi.ParseMultipart(e.R, body, ct)
		require.NoError(t, err)
		fd, _ := fileapi.FormDataFrom(obj)
		assert.Equal(t, 0, fd.Len())
	})
}

// Go's own multipart reader must accept what SerializeMultipart writes.
func TestSerializeMultipartReadByGo(t *testing.T) {
	e := env(t)
	body, ct := serialize(t, e, `
		globalThis.fd = new FormData();
		fd.append("text", "hello\nworld");
		fd.append("up", new File(["--not-a-boundary\r\n--"], "up.bin", {type: "application/x-thing"}));`)
	mr := multipart.NewReader(bytes.NewReader(body), boundaryOf(t, ct))
	form, err := mr.ReadForm(1 << 20)
	require.NoError(t, err)
	assert.Equal(t, []string{"hello\r\nworld"}, form.Value["text"])
	require.Len(t, form.File["up"], 1)
	fh := form.File["up"][0]
	assert.Equal(t, "up.bin", fh.Filename)
	assert.Equal(t, "application/x-thing", fh.Header.Get("Content-Type"))
	f, err := fh.Open()
	require.NoError(t, err)
	data, _ := io.ReadAll(f)
	assert.Equal(t, "--not-a-boundary\r\n--", string(data))
}

func TestMultipartRoundTrip(t *testing.T) {
	e := env(t)
	body, ct := serialize(t, e, `
		globalThis.fd = new FormData();
		fd.append("a", "1");
		fd.append("q\"uote\nd", "multi\nline\rvalue");
		const bin = new Uint8Array(300);
		for (let i = 0; i < bin.length; i++) bin[i] = i & 255;
		fd.append("bin", new File([bin], "we\"ird\r\n名.dat", {type: "image/png", lastModified: 5}));
		fd.append("untyped", new Blob(["x"]));
		fd.append("empty", new File([], ""));
		fd.append("a", "2");
		fd.append("emoji😀", "\ufeffbom kept");`)
	onLoop(t, e, func(t require.TestingT) {
		obj, err := fileapi.ParseFormData(e.R, body, ct)
		require.NoError(t, err)
		_ = e.R.VM().Set("parsed", obj)
	})
	got := mustJSON(t, e, `
		const out = [];
		for (const [k, v] of parsed) {
			if (typeof v === "string") out.push([k, v]);
			else out.push([k, v instanceof File, v.name, v.type, v.size]);
		}
		const bin = new Uint8Array(await parsed.get("bin").arrayBuffer());
		let ok = bin.length === 300;
		for (let i = 0; i < bin.length; i++) if (bin[i] !== (i & 255)) ok = false;
		return [out, ok, typeof parsed.get("bin").lastModified];`)
	assert.JSONEq(t, `[[
		["a","1"],
		["q\"uote\r\nd","multi\r\nline\r\nvalue"],
		["bin",true,"we\"ird\r\n名.dat","image/png",300],
		["untyped",true,"blob","application/octet-stream",1],
		["empty",true,"","application/octet-stream",0],
		["a","2"],
		["emoji😀","\ufeffbom kept"]
	], true, "number"]`, got)
}

func TestParseMultipartFromGoWriter(t *testing.T) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	require.NoError(t, w.WriteField("title", "Hello, wörld"))
	require.NoError(t, w.WriteField(`with "quotes"`, "q"))
	fw, err := w.CreateFormFile("upload", "report.pdf")
	require.NoError(t, err)
	_, _ = fw.Write([]byte("%PDF-1.7\r\n\x00\x01"))
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="typed"`)
	h.Set("Content-Type", "text/plain; charset=iso-8859-1") // strings stay UTF-8 decoded
	pw, err := w.CreatePart(h)
	require.NoError(t, err)
	_, _ = pw.Write([]byte("caf\xc3\xa9 \xff"))
	h = textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="notype"; filename="n.txt"`)
	pw, err = w.CreatePart(h)
	require.NoError(t, err)
	_, _ = pw.Write([]byte("plain"))
	h = textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="img"; filename="dir/pic.PNG"`)
	h.Set("Content-Type", "Image/PNG")
	pw, err = w.CreatePart(h)
	require.NoError(t, err)
	_, _ = pw.Write([]byte{0x89, 'P', 'N', 'G'})
	require.NoError(t, w.Close())

	e := env(t)
	onLoop(t, e, func(t require.TestingT) {
		obj, err := fileapi.ParseMultipart(e.R, buf.Bytes(), w.FormDataContentType())
		require.NoError(t, err)
		fd, _ := fileapi.FormDataFrom(obj)
		ents := fd.Entries()
		require.Len(t, ents, 6)
		assert.Equal(t, fileapi.Entry{Name: "title", Value: "Hello, wörld"}, ents[0])
		assert.Equal(t, fileapi.Entry{Name: `with "quotes"`, Value: "q"}, ents[1])
		assert.Equal(t, "upload", ents[2].Name)
		require.True(t, ents[2].IsFile())
		assert.Equal(t, "report.pdf", ents[2].File.Name())
		assert.Equal(t, "application/octet-stream", ents[2].File.Type())
		assert.Equal(t, "%PDF-1.7\r\n\x00\x01", string(ents[2].File.Bytes()))
		assert.Equal(t, fileapi.Entry{Name: "typed", Value: "café \ufffd"}, ents[3])
		assert.Equal(t, "text/plain", ents[4].File.Type(), "a file part without Content-Type is text/plain")
		assert.Equal(t, "plain", string(ents[4].File.Bytes()))
		assert.Equal(t, "dir/pic.PNG", ents[5].File.Name(), "the filename is kept as sent")
		assert.Equal(t, "image/png", ents[5].File.Type())
		_ = e.R.VM().Set("parsed", obj)
	})
	assert.Equal(t, true, e.MustRun(`parsed instanceof FormData && parsed.get("img") instanceof File && parsed.get("title") === "Hello, wörld"`))
}

func TestParseMultipartLenient(t *testing.T) {
	e := env(t)
	body := "This is a preamble.\r\n" +
		"--XyZ\r\n" +
		"content-disposition: Form-Data; name=unquoted\r\n\r\n" +
		"1\r\n" +
		"--XyZ\r\n" +
		"Content-Disposition: form-data; name=\"esc%22aped%0a%0D\"; filename=\"100%25%41.txt\"\r\n\r\n" +
		"\r\n" + // the value itself is a CRLF
		"\r\n" +
		"--XyZ--\r\n" +
		"epilogue is ignored\r\n"
	onLoop(t, e, func(t require.TestingT) {
		obj, err := fileapi.ParseFormData(e.R, []byte(body), `Multipart/Form-Data; charset=utf-8; Boundary="XyZ"`)
		require.NoError(t, err)
		fd, _ := fileapi.FormDataFrom(obj)
		ents := fd.Entries()
		require.Len(t, ents, 2)
		assert.Equal(t, fileapi.Entry{Name: "unquoted", Value: "1"}, ents[0])
		assert.Equal(t, "esc\"aped\n\r", ents[1].Name)
		assert.Equal(t, "100%25%41.txt", ents[1].File.Name(), "only %22, %0D and %0A are unescaped")
		assert.Equal(t, "\r\n", string(ents[1].File.Bytes()))
	})
	// A closing boundary without the final CRLF is accepted; text before a
	// delimiter line belongs to the part, even after a CRLF.
	onLoop(t, e, func(t require.TestingT) {
		obj, err := fileapi.ParseMultipart(e.R, []byte("--b\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\njunk --b\r\n--b--"), "multipart/form-data; boundary=b")
		require.NoError(t, err)
		fd, _ := fileapi.FormDataFrom(obj)
		assert.Equal(t, []fileapi.Entry{{Name: "a", Value: "v\r\njunk --b"}}, fd.Entries())
	})
}

func TestParseMultipartMalformed(t *testing.T) {
	e := env(t)
	const ct = "multipart/form-data; boundary=BB"
	part := "--BB\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n"
	cases := []struct {
		name, body, contentType, reason string
	}{
		{"no boundary param", part + "--BB--\r\n", "multipart/form-data", "no boundary"},
		{"empty boundary", part + "--BB--\r\n", `multipart/form-data; boundary=""`, "is invalid"},
		{"long boundary", part, "multipart/form-data; boundary=" + strings.Repeat("b", 71), "is invalid"},
		{"bad boundary char", part, "multipart/form-data; boundary=a@b", "is invalid"},
		{"boundary ends in space", part, `multipart/form-data; boundary="ab "`, "is invalid"},
		{"empty body", "", ct, "does not contain the boundary"},
		{"boundary absent", "hello world\r\n", ct, "does not contain the boundary"},
		{"wrong boundary", strings.ReplaceAll(part, "BB", "CC") + "--CC--\r\n", ct, "does not contain the boundary"},
		{"no closing boundary", part, ct, "ends before its closing boundary"},
		{"truncated part", "--BB\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue", ct, "not terminated"},
		{"truncated headers", "--BB\r\nContent-Disposition: form-da", ct, "ends before its closing boundary"},
		{"no disposition", "--BB\r\nContent-Type: text/plain\r\n\r\nv\r\n--BB--\r\n", ct, "no Content-Disposition"},
		{"not form-data", "--BB\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--BB--\r\n", ct, "instead of form-data"},
		{"no name", "--BB\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\nv\r\n--BB--\r\n", ct, "no name"},
		{"bad disposition", "--BB\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--BB--\r\n", ct, "malformed Content-Disposition"},
		{"bad header line", "--BB\r\nno colon here\r\n\r\nv\r\n--BB--\r\n", ct, "Malformed multipart body"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			onLoop(t, e, func(t require.TestingT) {
				obj, err := fileapi.ParseMultipart(e.R, []byte(tc.body), tc.contentType)
				if !assert.Error(t, err) {
					return
				}
				assert.Nil(t, obj)
				assert.True(t, errors.Is(err, fileapi.ErrNotFormData), "%v", err)
				assert.True(t, strings.HasPrefix(err.Error(), "Could not parse content as FormData."), err.Error())
				assert.Contains(t, err.Error(), tc.reason)
				_, err2 := fileapi.ParseFormData(e.R, []byte(tc.body), tc.contentType)
				assert.Equal(t, err.Error(), err2.Error())
			})
		})
	}
}

func TestParseFormDataDispatch(t *testing.T) {
	e := env(t)
	for _, ct := range []string{"", "   ", "text/plain", "application/json", "multipart/mixed; boundary=a", "nonsense", "application/x-www-form-urlencodedx", "/x"} {
		onLoop(t, e, func(t require.TestingT) {
			obj, err := fileapi.ParseFormData(e.R, []byte("a=b"), ct)
			require.Error(t, err, ct)
			assert.Nil(t, obj)
			assert.ErrorIs(t, err, fileapi.ErrNotFormData)
			assert.True(t, strings.HasPrefix(err.Error(), "Could not parse content as FormData."), err.Error())
		})
	}
	onLoop(t, e, func(t require.TestingT) {
		_, err := fileapi.ParseMultipart(e.R, []byte("a=b"), "application/x-www-form-urlencoded")
		assert.ErrorIs(t, err, fileapi.ErrNotFormData)
		assert.Contains(t, err.Error(), "not multipart/form-data")
	})
}

func TestParseURLEncoded(t *testing.T) {
	e := env(t)
	const body = "a=1&b=2+3&a=%C3%A9&&c&=d&%FF=x&e=%zz&f=a=b&g=%2B%26"
	var viaDispatch, direct goja.Value
	onLoop(t, e, func(t require.TestingT) {
		direct = fileapi.ParseURLEncoded(e.R, []byte(body))
		obj, err := fileapi.ParseFormData(e.R, []byte(body), "Application/X-WWW-Form-Urlencoded;charset=UTF-8")
		require.NoError(t, err)
		viaDispatch = obj
		_ = e.R.VM().Set("direct", direct)
		_ = e.R.VM().Set("dispatched", viaDispatch)
		empty := fileapi.ParseURLEncoded(e.R, nil)
		fd, _ := fileapi.FormDataFrom(empty)
		assert.Equal(t, 0, fd.Len())
	})
	want := `[["a","1"],["b","2 3"],["a","é"],["c",""],["","d"],["\ufffd","x"],["e","%zz"],["f","a=b"],["g","+&"]]`
	assert.JSONEq(t, want, mustJSON(t, e, `return [...direct];`))
	assert.JSONEq(t, want, mustJSON(t, e, `return [...dispatched];`))
}
