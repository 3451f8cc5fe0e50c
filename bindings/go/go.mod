module github.com/packr/libpackr/bindings/go

go 1.19
