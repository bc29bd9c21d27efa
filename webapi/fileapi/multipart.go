package fileapi

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dop251/goja"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/encoding"
	"github.com/workerhost/workerhost/webapi/url"
)

// ErrNotFormData is matched (errors.Is) by every error that ParseFormData
// and ParseMultipart return: the body cannot be parsed as FormData. Its
// message is the one Body.formData() rejects with (as a TypeError); the
// errors returned add the reason after it.
var ErrNotFormData = errors.New("Could not parse content as FormData.")

type parseError struct{ reason string }

func (e *parseError) Error() string {
	if e.reason == "" {
		return ErrNotFormData.Error()
	}
	return ErrNotFormData.Error() + " " + e.reason
}

func (e *parseError) Is(target error) bool { return target == ErrNotFormData }

func notFormData(reason string) error { return &parseError{reason: reason} }

// ParseFormData implements the FormData branch of Body.formData(): it
// dispatches on the essence of contentType (the Content-Type header value).
// multipart/form-data bodies are parsed by ParseMultipart (a boundary
// parameter is required), application/x-www-form-urlencoded bodies by
// ParseURLEncoded; any other type (or none) gives an error matching
// ErrNotFormData. The caller rejects with a TypeError carrying err.Error().
// The result is a new FormData object of r. Call it on the loop goroutine.
func ParseFormData(r *realm.Realm, body []byte, contentType string) (*goja.Object, error) {
	essence, params, ok := parseMIMEType(contentType)
	if !ok {
		if strings.TrimSpace(contentType) == "" {
			return nil, notFormData("The body has no Content-Type.")
		}
		return nil, notFormData("The Content-Type " + quote(contentType) + " is not a valid MIME type.")
	}
	switch essence {
	case "multipart/form-data":
		return parseMultipart(r, body, params)
	case "application/x-www-form-urlencoded":
		return ParseURLEncoded(r, body), nil
	}
	return nil, notFormData("The Content-Type " + quote(essence) +
		" is neither multipart/form-data nor application/x-www-form-urlencoded.")
}

// ParseURLEncoded parses body as application/x-www-form-urlencoded (the URL
// Standard's parser: "+" is a space, percent-escapes are decoded, invalid
// UTF-8 becomes U+FFFD) into a new FormData object of string entries.
// Call it on the loop goroutine.
func ParseURLEncoded(r *realm.Realm, body []byte) *goja.Object {
	obj, fd := NewFormData(r)
	for _, p := range url.ParseForm(string(body)) {
		fd.AppendString(p[0], p[1])
	}
	return obj
}

// ParseMultipart parses body as multipart/form-data (RFC 7578, as Fetch's
// Body.formData() describes) into a new FormData object. contentType is the
// whole Content-Type header value; its essence must be multipart/form-data
// and its boundary parameter a valid RFC 2046 boundary (1–70 characters).
//
// Every part needs a Content-Disposition of type form-data with a name
// parameter. A part with a filename parameter becomes a File (its type is the
// part's Content-Type, text/plain when absent); the others become strings
// (UTF-8 decoded, a BOM kept, invalid bytes replaced by U+FFFD, whatever
// their Content-Type says). Names and filenames are UTF-8 and have the
// %22, %0D and %0A escapes of the multipart/form-data encoding algorithm
// reversed. The body must end with the closing boundary; the preamble and
// epilogue are ignored. Errors match ErrNotFormData. Call it on the loop
// goroutine.
func ParseMultipart(r *realm.Realm, body []byte, contentType string) (*goja.Object, error) {
	essence, params, ok := parseMIMEType(contentType)
	if !ok || essence != "multipart/form-data" {
		return nil, notFormData("The Content-Type " + quote(contentType) + " is not multipart/form-data.")
	}
	return parseMultipart(r, body, params)
}

type parsedPart struct {
	name, filename, typ string
	isFile              bool
	data                []byte
}

func parseMultipart(r *realm.Realm, body []byte, params map[string]string) (*goja.Object, error) {
	boundary, ok := params["boundary"]
	if !ok {
		return nil, notFormData("The multipart/form-data Content-Type has no boundary parameter.")
	}
	if !validBoundary(boundary) {
		return nil, notFormData("The multipart/form-data boundary " + quote(boundary) +
			" is invalid (it must be 1 to 70 characters: letters, digits, space (not last) and '()+_,-./:=?).")
	}
	parts, err := readMultipartParts(body, boundary)
	if err != nil {
		return nil, err
	}
	obj, fd := NewFormData(r)
	now := time.Now().UnixMilli()
	for _, p := range parts {
		if p.isFile {
			fd.list = append(fd.list, formEntry{name: p.name, file: NewFile(r, p.data, p.filename, p.typ, now)})
		} else {
			fd.list = append(fd.list, formEntry{name: p.name, value: utf8NoBOM(p.data)})
		}
	}
	return obj, nil
}

func readMultipartParts(body []byte, boundary string) ([]parsedPart, error) {
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	var parts []parsedPart
	for i := 1; ; i++ {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			// The reader also reports a bare io.EOF when the body ends
			// inside a part's headers: only a closing delimiter line
			// makes the end of the body the end of the form.
			if err == io.EOF && hasCloseDelimiter(body, boundary) {
				return parts, nil
			}
			if i == 1 && !bytes.Contains(body, []byte("--"+boundary)) {
				return nil, notFormData("The multipart body does not contain the boundary " + quote(boundary) + ".")
			}
			return nil, notFormData("The multipart body ends before its closing boundary.")
		}
		if err != nil {
			return nil, notFormData("Malformed multipart body (part " + strconv.Itoa(i) + "): " + err.Error())
		}
		where := "Part " + strconv.Itoa(i) + " of the multipart body"
		cd := p.Header.Values("Content-Disposition")
		if len(cd) == 0 {
			return nil, notFormData(where + " has no Content-Disposition header.")
		}
		disp, dparams, err := mime.ParseMediaType(cd[0])
		if err != nil {
			return nil, notFormData(where + " has a malformed Content-Disposition header " + quote(cd[0]) + ".")
		}
		if disp != "form-data" {
			return nil, notFormData(where + " has Content-Disposition " + quote(disp) + " instead of form-data.")
		}
		name, ok := dparams["name"]
		if !ok {
			return nil, notFormData(where + " has no name in its Content-Disposition header.")
		}
		pp := parsedPart{name: unescapeName(name)}
		if fn, ok := dparams["filename"]; ok {
			pp.isFile = true
			pp.filename = unescapeName(fn)
			pp.typ = "text/plain"
			if ct := p.Header.Values("Content-Type"); len(ct) > 0 {
				pp.typ = strings.Trim(ct[0], httpWhitespace)
			}
		}
		pp.data, err = io.ReadAll(p)
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, notFormData(where + " is not terminated by a boundary (the body ends before its closing boundary).")
			}
			return nil, notFormData(where + " is malformed: " + err.Error())
		}
		parts = append(parts, pp)
	}
}

// hasCloseDelimiter reports whether body has a close-delimiter line:
// "--boundary--" at the start of the body or of a line, followed by
// optional transport padding (spaces, tabs) and a line break or the end.
func hasCloseDelimiter(body []byte, boundary string) bool {
	d := []byte("--" + boundary + "--")
	for i := 0; i < len(body); {
		j := bytes.Index(body[i:], d)
		if j < 0 {
			return false
		}
		j += i
		if j == 0 || body[j-1] == '\n' {
			rest := bytes.TrimLeft(body[j+len(d):], " \t")
			if len(rest) == 0 || rest[0] == '\r' || rest[0] == '\n' {
				return true
			}
		}
		i = j + 1
	}
	return false
}

// validBoundary checks RFC 2046's boundary syntax: 1 to 70 bchars, the last
// one not a space.
func validBoundary(b string) bool {
	if len(b) == 0 || len(b) > 70 || b[len(b)-1] == ' ' {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("'()+_,-./:=? ", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// unescapeName decodes a name or filename parameter: UTF-8 (invalid bytes
// become U+FFFD) with the escapes %0A, %0D (either case) and %22 reversed;
// any other percent sign is kept as it is.
func unescapeName(s string) string {
	s = utf8NoBOM([]byte(s))
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			switch s[i+1 : i+3] {
			case "0A", "0a":
				b.WriteByte('\n')
				i += 2
				continue
			case "0D", "0d":
				b.WriteByte('\r')
				i += 2
				continue
			case "22":
				b.WriteByte('"')
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// utf8NoBOM is the Encoding Standard's "UTF-8 decode without BOM": invalid
// sequences become U+FFFD and a leading byte order mark is kept.
func utf8NoBOM(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	// DecodeUTF8 strips a leading BOM; a sentinel byte protects it.
	return encoding.DecodeUTF8(append([]byte{'a'}, b...))[1:]
}

// SerializeMultipart encodes the entries of fd with HTML's
// "multipart/form-data encoding algorithm" (UTF-8) and returns the body and
// the Content-Type to send with it ("multipart/form-data; boundary=...").
//
// The boundary is 128 random bits from crypto/rand, renewed in the unlikely
// case that it occurs in an entry. In names, lone CR and LF become CRLF (the
// entry list construction's line-break normalization) and then, as in
// filenames, `"` is escaped as %22, CR as %0D and LF as %0A. String values
// have their line breaks normalized to CRLF; file contents are sent as they
// are, with the File's type as Content-Type (application/octet-stream when
// it has none). It reads fd on the calling goroutine (the loop); the result
// is plain Go memory.
func SerializeMultipart(fd *FormData) (body []byte, contentType string) {
	entries := fd.Entries()
	type part struct {
		head []byte // boundary line excluded: headers and the blank line
		data []byte
	}
	parts := make([]part, len(entries))
	size := 0
	for i, e := range entries {
		h := make([]byte, 0, 64+len(e.Name))
		h = append(h, `Content-Disposition: form-data; name="`...)
		h = appendEscaped(h, normalizeCRLF(e.Name))
		h = append(h, '"')
		if e.File != nil {
			h = append(h, `; filename="`...)
			h = appendEscaped(h, e.File.name)
			h = append(h, "\"\r\nContent-Type: "...)
			if e.File.typ != "" {
				h = append(h, e.File.typ...)
			} else {
				h = append(h, "application/octet-stream"...)
			}
			parts[i].data = e.File.data
		} else {
			parts[i].data = []byte(normalizeCRLF(e.Value))
		}
		h = append(h, "\r\n\r\n"...)
		parts[i].head = h
		size += len(h) + len(parts[i].data)
	}
	var boundary string
	for {
		boundary = newBoundary()
		clash := false
		for _, p := range parts {
			if bytes.Contains(p.head, []byte(boundary)) || bytes.Contains(p.data, []byte(boundary)) {
				clash = true
				break
			}
		}
		if !clash {
			break
		}
	}
	size += (len(boundary) + 6) * (len(parts) + 1)
	body = make([]byte, 0, size)
	for _, p := range parts {
		body = append(body, "--"...)
		body = append(body, boundary...)
		body = append(body, "\r\n"...)
		body = append(body, p.head...)
		body = append(body, p.data...)
		body = append(body, "\r\n"...)
	}
	body = append(body, "--"...)
	body = append(body, boundary...)
	body = append(body, "--\r\n"...)
	return body, "multipart/form-data; boundary=" + boundary
}

// newBoundary returns "----WorkerhostFormBoundary" and 32 random hex digits.
func newBoundary() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail (Go 1.24+)
	return "----WorkerhostFormBoundary" + hex.EncodeToString(b[:])
}

// normalizeCRLF replaces every CR not followed by LF and every LF not
// preceded by CR with CRLF.
func normalizeCRLF(s string) string {
	if strings.IndexAny(s, "\r\n") < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\r':
			b.WriteString("\r\n")
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case '\n':
			b.WriteString("\r\n")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// appendEscaped appends s with LF, CR and `"` escaped as %0A, %0D and %22
// (and no other escapes), as names and filenames are in multipart bodies.
func appendEscaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\n':
			dst = append(dst, "%0A"...)
		case '\r':
			dst = append(dst, "%0D"...)
		case '"':
			dst = append(dst, "%22"...)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

func quote(s string) string {
	return `"` + clip(strings.ToValidUTF8(s, "\uFFFD")) + `"`
}
