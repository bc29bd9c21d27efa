package fetch

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/dns/dnsmessage"
)

func TestBlockedKind(t *testing.T) {
	cases := map[string]string{
		"127.0.0.1": "loopback", "127.9.9.9": "loopback", "::1": "loopback",
		"10.1.2.3": "private network", "172.31.0.1": "private network", "192.168.0.1": "private network", "fc00::1": "private network",
		"169.254.169.254": "link-local", "fe80::1": "link-local",
		"0.0.0.0": "unspecified", "::": "unspecified", "0.1.2.3": "unspecified",
		"224.0.0.251": "multicast", "ff02::1": "multicast", "239.1.1.1": "multicast",
		"100.100.100.100": "carrier-grade NAT", "255.255.255.255": "broadcast",
		"::ffff:10.0.0.1": "private network", "64:ff9b::7f00:1": "loopback",
		"8.8.8.8": "", "2606:4700::1111": "", "172.32.0.1": "", "100.128.0.1": "",
	}
	for ip, want := range cases {
		require.Equal(t, want, blockedKind(netip.MustParseAddr(ip)), ip)
	}
}

func TestDialControlRefuses(t *testing.T) {
	gd := &guardedDialer{guard: &addrGuard{}}
	err := gd.control("tcp4", "127.0.0.1:80", nil)
	var re *RefusedError
	require.True(t, errors.As(err, &re))
	require.Equal(t, ReasonPrivateAddress, re.Reason)
	require.NoError(t, gd.control("tcp4", "8.8.8.8:443", nil))
	require.Error(t, gd.control("tcp", "garbage", nil))
	ex, _ := newHostSet([]string{"127.0.0.1"})
	gd = &guardedDialer{guard: &addrGuard{exempt: ex}}
	require.NoError(t, gd.control("tcp4", "127.0.0.1:80", nil))
	require.Error(t, gd.control("tcp6", "[::1]:80", nil))
}

// fakeDNS answers every A query with addrs (and AAAA with nothing).
func fakeDNS(t *testing.T, addrs ...string) *net.Resolver {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for i := 0; i < 1000; i++ {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			var p dnsmessage.Parser
			h, err := p.Start(buf[:n])
			if err != nil {
				continue
			}
			q, err := p.Question()
			if err != nil {
				continue
			}
			b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true})
			_ = b.StartQuestions()
			_ = b.Question(q)
			_ = b.StartAnswers()
			if q.Type == dnsmessage.TypeA {
				for _, a := range addrs {
					ip := netip.MustParseAddr(a).As4()
					_ = b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 1}, dnsmessage.AResource{A: ip})
				}
			}
			msg, err := b.Finish()
			if err == nil {
				_, _ = pc.WriteTo(msg, from)
			}
		}
	}()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", pc.LocalAddr().String())
	}}
}

func TestDialGuardResolvesAndChecksEveryAddress(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// A name that resolves to loopback (DNS rebinding to 127.0.0.1) is refused at dial time.
	tr := newTransport(&addrGuard{}, fakeDNS(t, "127.0.0.1"))
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://rebind.test:9/", nil)
	_, err := tr.RoundTrip(req)
	var re *RefusedError
	require.True(t, errors.As(err, &re), "%v", err)
	require.Equal(t, "fetch() to rebind.test refused: it resolves to 127.0.0.1, a loopback address; loopback addresses are blocked (Config.AllowPrivate)", re.Msg)
	require.True(t, errors.Is(err, ErrPrivateAddress))

	// One private address among public ones is enough to refuse.
	tr2 := newTransport(&addrGuard{}, fakeDNS(t, "93.184.216.34", "10.0.0.7"))
	defer tr2.CloseIdleConnections()
	req, _ = http.NewRequestWithContext(ctx, "GET", "http://mixed.test:9/", nil)
	_, err = tr2.RoundTrip(req)
	require.True(t, errors.As(err, &re), "%v", err)
	require.True(t, strings.Contains(re.Msg, "resolves to 10.0.0.7"), re.Msg)

	// Exempt addresses are dialled (and the dial reaches the listener).
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	defer srv.Close()
	ex, _ := newHostSet([]string{"127.0.0.1"})
	tr3 := newTransport(&addrGuard{exempt: ex}, fakeDNS(t, "127.0.0.1"))
	defer tr3.CloseIdleConnections()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	req, _ = http.NewRequestWithContext(ctx, "GET", "http://allowed.test:"+port+"/", nil)
	resp, err := tr3.RoundTrip(req)
	require.NoError(t, err)
	require.Equal(t, 204, resp.StatusCode)
	_ = resp.Body.Close()
}

func TestHostSet(t *testing.T) {
	s, errs := newHostSet([]string{"Example.COM.", "*.wild.test", "10.0.0.0/8", "[::1]", "host.test:8080", "bad*pattern", "a/b/c"})
	require.Len(t, errs, 2)
	for h, want := range map[string]bool{
		"example.com": true, "www.example.com": false, "a.wild.test": true, "a.b.wild.test": true, "wild.test": false,
		"10.9.8.7": true, "11.0.0.1": false, "::1": true, "host.test": true, "xwild.test": false,
	} {
		require.Equal(t, want, s.match(normHost(h)), h)
	}
}
