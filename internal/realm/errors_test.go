package realm

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTypeErrorMessagesKeepPercentSigns(t *testing.T) {
	r := New(Options{})
	require.Equal(t, "bad %s 100% %d", r.NewTypeError("bad %s 100% %d").Get("message").String())
}
