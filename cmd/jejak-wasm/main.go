//go:build js && wasm

// Command jejak-wasm is the verifier the relay's verification page runs in
// a browser: Jejak's own protocol and provenance code compiled to
// WebAssembly, so that every CID and signature a relay sends is checked
// on the phone and the verdict does not rest on the relay.
//
// It sets globalThis.jejak = {version, verify(bytes, optsJSON)}, where
// verify takes a capsule's bytes (a Uint8Array) and capsule.CheckOptions
// as JSON, and returns a capsule.Result as JSON; then it calls
// globalThis.jejakReady() when the page defined it, and waits for calls.
//
// Build: GOOS=js GOARCH=wasm go build -trimpath -ldflags=-s\ -w -o verify.wasm ./cmd/jejak-wasm
// ("make web" does it and puts Go's wasm_exec.js beside it).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"syscall/js"

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

func encode(r capsule.Result) string {
	b, err := json.Marshal(r)
	if err != nil {
		return `{"ok":false,"code":"internal","error":"the verifier could not write its result"}`
	}
	return string(b)
}

func main() {
	js.Global().Set("jejak", js.ValueOf(map[string]any{
		"version": version,
		"verify":  js.FuncOf(verify),
	}))
	if ready := js.Global().Get("jejakReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}
