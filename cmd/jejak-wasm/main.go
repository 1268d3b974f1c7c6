//go:build js && wasm

// Command jejak-wasm is the verifier the relay's verification page runs in
// a browser: Jejak's own protocol and provenance code compiled to
// WebAssembly, so that every CID and signature a relay sends is checked
// on the phone and the verdict does not rest on the relay.
//
// It sets globalThis.jejak = {version, verify(bytes, optsJSON),
// localize(resultJSON, lang), messages(lang)}, where verify takes a
// capsule's bytes (a Uint8Array) and capsule.CheckOptions as JSON, and
// returns a capsule.Result as JSON; localize returns that result with the
// report's words (reasons, check titles and summaries, the verdict's
// summary, what is missing, why a signer is trusted) and its notes in
// lang ("en", "ms" or "id"); messages returns the page's own texts in lang as JSON, from
// each English text to its translation. Then it calls
// globalThis.jejakReady() when the page defined it, and waits for calls.
//
// Build: GOOS=js GOARCH=wasm go build -trimpath -ldflags=-s\ -w -o verify.wasm ./cmd/jejak-wasm
// ("make web" does it and puts Go's wasm_exec.js beside it).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"syscall/js"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol/interop/capsule"
)

// version is set by the build (-X main.version=…).
var version = "dev"

func verify(_ js.Value, args []js.Value) (out any) {
	defer func() {
		if p := recover(); p != nil {
			out = encode(capsule.Result{Code: capsule.CodeInternal, Error: fmt.Sprintf("the verifier failed: %v", p)})
		}
	}()
	if len(args) < 1 || args[0].Type() != js.TypeObject {
		return encode(capsule.Result{Code: capsule.CodeBadRequest, Error: "verify(bytes, options): no bytes"})
	}
	data := make([]byte, args[0].Get("length").Int())
	js.CopyBytesToGo(data, args[0])
	var o capsule.CheckOptions
	if len(args) > 1 && args[1].Type() == js.TypeString && args[1].String() != "" {
		if err := json.Unmarshal([]byte(args[1].String()), &o); err != nil {
			return encode(capsule.Result{Code: capsule.CodeBadRequest, Error: fmt.Sprintf("verify: options: %v", err)})
		}
	}
	return encode(capsule.Check(context.Background(), data, o))
}

// language reads a page's language argument: "ms", "id-ID", …; English
// for anything else.
func language(args []js.Value, i int) i18n.Lang {
	if len(args) > i && args[i].Type() == js.TypeString {
		return i18n.Match(args[i].String())
	}
	return i18n.English
}

// localize renders a result's report in the page's language.
func localize(_ js.Value, args []js.Value) (out any) {
	defer func() {
		if p := recover(); p != nil {
			out = encode(capsule.Result{Code: capsule.CodeInternal, Error: fmt.Sprintf("the verifier failed: %v", p)})
		}
	}()
	if len(args) < 1 || args[0].Type() != js.TypeString {
		return encode(capsule.Result{Code: capsule.CodeBadRequest, Error: "localize(result, lang): no result"})
	}
	var res capsule.Result
	if err := json.Unmarshal([]byte(args[0].String()), &res); err != nil {
		return encode(capsule.Result{Code: capsule.CodeBadRequest, Error: fmt.Sprintf("localize: result: %v", err)})
	}
	l := language(args, 1)
	if res.Report != nil {
		res.Report = res.Report.In(l)
	}
	res.Notes = res.NotesIn(l)
	return encode(res)
}

// messages returns the page's texts in the page's language, from each
// English text to its translation.
func messages(_ js.Value, args []js.Value) any {
	l := language(args, 0)
	m := map[string]string{}
	for _, k := range i18n.Keys() {
		if strings.HasPrefix(k, "page.") {
			m[i18n.T(i18n.English, k)] = i18n.T(l, k)
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func encode(r capsule.Result) string {
	b, err := json.Marshal(r)
	if err != nil {
		return `{"ok":false,"code":"internal","error":"the verifier could not write its result"}`
	}
	return string(b)
}

func main() {
	js.Global().Set("jejak", js.ValueOf(map[string]any{
		"version":  version,
		"verify":   js.FuncOf(verify),
		"localize": js.FuncOf(localize),
		"messages": js.FuncOf(messages),
	}))
	if ready := js.Global().Get("jejakReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}
