package fileapi_test

import (
	"testing"

	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/webapi/fileapi"
)

func BenchmarkInstall(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		r := realm.New(realm.Options{})
		fileapi.Install(r)
	}
}

func BenchmarkSerializeParseMultipart(b *testing.B) {
	r := realm.New(realm.Options{})
	fileapi.Install(r)
	obj, fd := fileapi.NewFormData(r)
	_ = obj
	for i := 0; i < 10; i++ {
		fd.AppendString("field", "some value\nwith a line break")
	}
	fd.AppendFile("upload", make([]byte, 64<<10), "data.bin", "application/octet-stream")
	b.ReportAllocs()
	for b.Loop() {
		body, ct := fileapi.SerializeMultipart(fd)
		if _, err := fileapi.ParseMultipart(r, body, ct); err != nil {
			b.Fatal(err)
		}
	}
}
