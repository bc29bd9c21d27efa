package structuredclone_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/fileapi"
	"github.com/workerhost/workerhost/webapi/structuredclone"
)

func TestCloneBlobAndFile(t *testing.T) {
	e := jstest.New(t, dom.Install, fileapi.Install, structuredclone.Install)
	require.Equal(t, "abc|text/x|true|f.txt|5|true", e.MustRun(`(async () => {
		const b = new Blob(['abc'], {type: 'text/x'});
		const f = new File(['hello'], 'f.txt', {lastModified: 42});
		const [b2, f2] = structuredClone([b, f]);
		return [await b2.text(), b2.type, b2 !== b, f2.name, f2.size, f2 instanceof File && f2.lastModified === 42].join('|');
	})()`))
}
