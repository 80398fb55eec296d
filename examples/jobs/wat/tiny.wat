;; The tiny job of the throughput benchmarks (`scripts/bench-throughput.sh`,
;; `povc-worker`'s `batch_tasks` bench): a command that writes "ok\n", nothing else.
(module
	(import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
	(memory (export "memory") 1)
	(data (i32.const 16) "ok\n")
	(func (export "_start")
		(i32.store (i32.const 0) (i32.const 16))
		(i32.store (i32.const 4) (i32.const 3))
		(drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
