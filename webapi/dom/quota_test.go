package dom_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/internal/jstest"
	"github.com/workerhost/workerhost/webapi/dom"
)

func TestQuotaExceededError(t *testing.T) {
	e := jstest.New(t, dom.Install)
	require.Equal(t, "QuotaExceededError|22|m|10|20|true|true|null", e.MustRun(`{
		const q = new QuotaExceededError('m', { quota: 10, requested: 20 });
		const d = new QuotaExceededError();
		[q.name, q.code, q.message, q.quota, q.requested, q instanceof DOMException, q.constructor === QuotaExceededError, String(d.quota)].join('|')
	}`))
	require.Equal(t, "RangeError", e.Run(`new QuotaExceededError('m', { quota: 10, requested: 5 })`).Name)
	require.Equal(t, "RangeError", e.Run(`new QuotaExceededError('m', { quota: -1 })`).Name)
}
