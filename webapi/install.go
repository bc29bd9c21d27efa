// Package webapi implements the Web APIs a worker script sees: the Fetch
// Standard's Headers, Request, Response and body mixin here, and, through
// its subpackages, URL, encoding, DOM events and abort, timers, structured
// clone, console and Web Crypto. Install defines them all in a realm.
package webapi

import (
	"github.com/workerhost/workerhost/internal/realm"
	"github.com/workerhost/workerhost/streams"
	"github.com/workerhost/workerhost/webapi/console"
	"github.com/workerhost/workerhost/webapi/crypto"
	"github.com/workerhost/workerhost/webapi/dom"
	"github.com/workerhost/workerhost/webapi/ecma"
	"github.com/workerhost/workerhost/webapi/encoding"
	"github.com/workerhost/workerhost/webapi/fileapi"
	"github.com/workerhost/workerhost/webapi/messaging"
	"github.com/workerhost/workerhost/webapi/structuredclone"
	"github.com/workerhost/workerhost/webapi/timers"
	"github.com/workerhost/workerhost/webapi/url"
)

// Install defines every Web API global in r. It runs once per isolate.
func Install(r *realm.Realm) {
	ecma.Install(r)
	dom.Install(r)
	url.Install(r)
	encoding.Install(r)
	timers.Install(r)
	structuredclone.Install(r)
	messaging.Install(r)
	fileapi.Install(r)
	crypto.Install(r)
	console.Install(r)
	streams.Install(r)
	installHeaders(r)
	installRequest(r)
	installResponse(r)
	installFetchEvent(r)
}
