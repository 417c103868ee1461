// yaml-oracle turns YAML streams into the JSON that Kubernetes tooling
// decodes from them, for Palisade's differential YAML test.
//
// Each document of a stream is read with gopkg.in/yaml.v2's Decoder (the
// parser behind sigs.k8s.io/yaml, which kubectl, the API server,
// Gatekeeper and Kyverno use) and converted to JSON by sigs.k8s.io/yaml's
// YAMLToJSON. A single-document stream is also converted directly from
// its bytes, as the API server does, and the two must agree.
//
// Usage: yaml-oracle FILE...   (or a list of files, one per line, on stdin
// with no arguments). One JSON line per file on stdout:
//
//	{"file": F, "docs": [JSON, ...], "error": "..."}
//
// "docs" holds the non-null documents read before the first error;
// "error" is empty when the whole stream was read.
//
// Built offline from Debian's packages in GOPATH mode:
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -o yaml-oracle .
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v2"
	sigsyaml "sigs.k8s.io/yaml"
)

type result struct {
	File  string            `json:"file"`
	Docs  []json.RawMessage `json:"docs"`
	Error string            `json:"error"`
}

// toJSON converts one decoded document, as YAMLToJSON would convert its text.
func toJSON(doc interface{}) (j []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	text, err := yaml.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return sigsyaml.YAMLToJSON(text)
}

// decode reads every document of a stream.
func decode(data []byte) (docs []json.RawMessage, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc interface{}
		if err := dec.Decode(&doc); err == io.EOF {
			return docs, nil
		} else if err != nil {
			return docs, err
		}
		if doc == nil {
			continue
		}
		j, err := toJSON(doc)
		if err != nil {
			return docs, err
		}
		docs = append(docs, j)
	}
}

func run(file string) result {
	r := result{File: file, Docs: []json.RawMessage{}}
	data, err := os.ReadFile(file)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	docs, err := decode(data)
	if docs != nil {
		r.Docs = docs
	}
	if err != nil {
		r.Error = err.Error()
		return r
	}
	// One document: YAMLToJSON on the bytes, as the API server reads a body.
	if len(docs) == 1 {
		direct, derr := sigsyaml.YAMLToJSON(data)
		if derr == nil && !jsonEqual(direct, docs[0]) {
			r.Error = fmt.Sprintf("oracle self-check: YAMLToJSON gave %s, the decoder %s", direct, docs[0])
		}
	}
	return r
}

func jsonEqual(a, b []byte) bool {
	var x, y interface{}
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

func main() {
	files := os.Args[1:]
	if len(files) == 0 {
		sc := bufio.NewScanner(os.Stdin)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if line := sc.Text(); line != "" {
				files = append(files, line)
			}
		}
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for _, f := range files {
		if err := enc.Encode(run(f)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
}
