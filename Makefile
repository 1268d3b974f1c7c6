# Jejak's build. "make run" builds and opens the desktop app and "make test"
# runs every test; both first install the Debian packages they need, when any
# are missing. Run "make help" for the other targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Go from the official tarball lives in /usr/local/go; a go already on PATH
# comes first.
export PATH := $(PATH):/usr/local/go/bin

# Fyne reads the language from LANG and logs an error for "C" or "POSIX", so
# give it a real one unless the user has chosen one. (Nothing needs this
# locale generated: Fyne only parses the name.)
ifeq ($(filter-out C C.UTF-8 C.utf8 POSIX,$(LANG)),)
export LANG := en_US.UTF-8
endif

GO ?= go

# Debian packages the build and the tests need. "make deps" installs those
# that are missing.
#   gcc libc6-dev      cgo: the desktop app and go test -race
#   pkg-config         go-gl/gl finds OpenGL with "#cgo pkg-config: gl"
#   libgl-dev          OpenGL headers and libGL.so (go-gl/gl, GLFW)
#   libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev
#   libxxf86vm-dev     X11 headers and libraries GLFW compiles and links with
#   xvfb xauth         a virtual X display for GUI tests (xauth for xvfb-run)
#   libgl1-mesa-dri    software OpenGL, so the app can draw under Xvfb
#   x11-apps imagemagick  xwd and convert, for screenshots of the app
#   postgresql         the central-database baseline of "jejak-node bench"
#                      (a throwaway cluster on a Unix socket; nothing listens)
#   iproute2           "ip netns": the partition tests run nodes in network
#                      namespaces of their own, and the offline-app test runs
#                      the app in one with only loopback
#   chromium fonts-liberation  a real headless browser for the phone page's
#                      tests (node/web), in a network namespace of their own
#   util-linux         unshare, which makes that namespace
#   poppler-utils      pdftotext and pdftoppm: the print tests read the text
#                      of the PDFs and scan the QR codes printed on them
DEB_PACKAGES := \
	gcc libc6-dev pkg-config libgl-dev \
	libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev \
	xvfb xauth libgl1-mesa-dri x11-apps imagemagick postgresql iproute2 \
	chromium fonts-liberation util-linux poppler-utils

SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT_GET := $(SUDO) env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 apt-get

.PHONY: help deps run build test clean soak bench package screenshots web

help: ## Show this help.
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-6s %s\n", $$1, $$2}'

deps: ## Install the Debian packages the build needs, if any are missing.
	@if ! command -v dpkg-query >/dev/null; then \
		echo "make deps: not a Debian system; install gcc, pkg-config and the OpenGL and X11 headers yourself"; \
		exit 0; \
	fi; \
	missing=""; \
	for p in $(DEB_PACKAGES); do \
		[ "$$(dpkg-query -W -f='$${db:Status-Status}' "$$p" 2>/dev/null)" = installed ] || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing$$missing"; \
		$(APT_GET) update -qq; \
		$(APT_GET) install -y -q --no-install-recommends $$missing; \
	fi

run: deps ## Build and open the desktop app.
	$(GO) build -o bin/jejak .
	./bin/jejak

build: deps web ## Build bin/jejak (the desktop app) and bin/jejak-node (no cgo, with the phone page's verifier).
	$(GO) build -o bin/jejak .
	CGO_ENABLED=0 $(GO) build -o bin/jejak-node ./cmd/jejak-node

# The phone page's verifier: Jejak's protocol and provenance code as
# WebAssembly, with Go's loader beside it, where jejak-node embeds them.
web: ## Build the verification page's WebAssembly verifier into node/web/dist/.
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o node/web/dist/verify.wasm ./cmd/jejak-wasm
	cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" node/web/dist/wasm_exec.js

test: deps ## Check formatting, go.mod, vet, build both binaries and run every test.
	@unformatted="$$(gofmt -l .)"; \
	if [ -n "$$unformatted" ]; then \
		echo "gofmt: these files are not formatted (run gofmt -w on them):"; \
		echo "$$unformatted"; \
		exit 1; \
	fi
	@$(GO) mod tidy -diff >/dev/null 2>&1 || { \
		echo "go.mod and go.sum are not tidy (run go mod tidy):"; $(GO) mod tidy -diff; exit 1; }
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./cmd/jejak-wasm
	$(GO) build -o /dev/null .
	CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/jejak-node
	$(GO) test -race -timeout 20m ./...
	@# The real app's window under Xvfb, in a network namespace with only
	@# loopback: a harvest recorded in each language, the map, 800x600
	@# (the pictures are thrown away; make screenshots keeps them).
	tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; scripts/screenshots "$$tmp" >"$$tmp/tour.log" 2>&1 || { tail -60 "$$tmp/tour.log"; exit 1; }; grep -E '^(--- |PASS|ok)' "$$tmp/tour.log" | head -40
	@# Every fuzz target, a few seconds each, from its committed corpus
	@# (testdata/fuzz) and what earlier runs on this machine found.
	scripts/fuzz 2s
	@# Every benchmark scenario still runs, with its baselines (small sizes;
	@# nothing is asserted about speed), its nodes kept on loopback.
	JEJAK_LOOPBACK_ONLY=1 CGO_ENABLED=0 $(GO) run ./cmd/jejak-node bench --quick

package: deps ## Build a Linux package of the desktop app (dist/Jejak.tar.xz) with fyne package.
	mkdir -p dist
	@# fyne package bumps the build number in FyneApp.toml; keep the file as it is.
	cp FyneApp.toml $(CURDIR)/dist/.FyneApp.toml; \
	trap 'mv $(CURDIR)/dist/.FyneApp.toml $(CURDIR)/FyneApp.toml' EXIT; \
	cd dist && $(GO) run fyne.io/tools/cmd/fyne@v1.7.4 package --os linux --release \
		--src $(CURDIR) --icon $(CURDIR)/assets/icon.png --name Jejak --app-id org.jejak.app
	@ls -l dist

# The screenshot tour (gui/screenshots_test.go, build tag "screenshots")
# drives the real screens in a real window on real nodes on 127.0.0.1 (the
# mill of the palm-oil chain, and a first run that starts the demo network)
# under Xvfb, and saves a picture of each screen.
screenshots: deps ## Run the app's screens under Xvfb and save a PNG of each, in every language and size, to docs/screenshots/.
	rm -rf docs/screenshots/en docs/screenshots/ms docs/screenshots/id
	scripts/screenshots docs/screenshots
	JEJAK_SCREENSHOTS="$(CURDIR)/docs/screenshots" $(GO) test -run 'TestPhonePage$$' -count=1 ./node/web

soak: ## Long fault runs (docs/RELIABILITY.md): kills, partitions, dishonest peers, then every fuzz target for 2 minutes; about two hours.
	@# Every test reads JEJAK_SOAK=1 and runs at its soak size: 500 kills of a
	@# store mid-write, 200 kills of jejak-node, 30 partitions, the dishonest
	@# peers and the holding area at their larger counts.
	JEJAK_SOAK=1 $(GO) test -count=1 -timeout 180m ./storage ./node/p2p ./node ./cmd/jejak-node
	scripts/fuzz 2m

bench: ## Benchmarks behind docs/BENCHMARKS.md (long: about an hour with the large stores).
	CGO_ENABLED=0 $(GO) run ./cmd/jejak-node bench --out bench.json
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./protocol
	$(GO) test -run '^$$' -bench . -benchmem ./storage
	JEJAK_BENCH_LARGE=1 $(GO) test -run '^$$' -bench Verify -benchtime 3x -timeout 60m ./protocol/provenance

clean: ## Remove bin/.
	rm -rf bin
