package fetchtest_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/workerhost/workerhost/fetch/fetchtest"
)

func get(t *testing.T, tr *fetchtest.Transport, method, url, body string) (int, string, error) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b), nil
}

func TestRoutesAndPrecedence(t *testing.T) {
	tr := &fetchtest.Transport{}
	tr.Respond("api.test", 200, "host", nil)
	tr.Respond("https://api.test/v1/*", 200, "short prefix", nil)
	tr.Respond("https://api.test/v1/users/*", 200, "long prefix", nil)
	tr.Respond("https://api.test/v1/users/me", 200, "exact", http.Header{"X-A": {"1"}})
	tr.Respond("*.api.test", 200, "wildcard", nil)
	tr.Respond("api.test:8443", 200, "host with port", nil)
	tr.HandleFunc("https://echo.test/", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.WriteHeader(201)
		_, _ = w.Write(b)
	})
	for url, want := range map[string]string{
		"https://api.test/v1/users/me":      "exact",
		"https://api.test/v1/users/me?x=1":  "exact",
		"https://api.test/v1/users/you":     "long prefix",
		"https://api.test/v1/other":         "short prefix",
		"https://api.test/v2":               "host",
		"https://deep.sub.api.test/":        "wildcard",
		"https://api.test:8443/v2":          "host with port",
		"https://api.test/v1/users/me#frag": "exact",
	} {
		code, body, err := get(t, tr, "GET", url, "")
		require.NoError(t, err, url)
		require.Equal(t, 200, code, url)
		require.Equal(t, want, body, url)
	}
	code, body, err := get(t, tr, "PUT", "https://echo.test/", "sent")
	require.NoError(t, err)
	require.Equal(t, 201, code)
	require.Equal(t, "sent", body)
	_, _, err = get(t, tr, "GET", "https://nowhere.test/a", "")
	require.EqualError(t, err, "fetchtest: no route for GET https://nowhere.test/a (add one with Handle or Respond)")

	reqs := tr.Requests()
	require.Len(t, reqs, 10)
	require.Equal(t, "PUT", reqs[8].Method)
	require.Equal(t, "sent", string(reqs[8].Body))
	require.Equal(t, "https://echo.test/", reqs[8].Pattern)
	require.Equal(t, "https://nowhere.test/a", reqs[9].URL)
}

func TestRecordedBodyIsBounded(t *testing.T) {
	tr := &fetchtest.Transport{}
	tr.Respond("big.test", 204, "", nil)
	big := strings.Repeat("z", fetchtest.MaxRecordedBody+100)
	code, _, err := get(t, tr, "POST", "https://big.test/", big)
	require.NoError(t, err)
	require.Equal(t, 204, code)
	require.Len(t, tr.Requests()[0].Body, fetchtest.MaxRecordedBody)
}
