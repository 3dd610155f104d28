// Signal: local preference recorder. See Signal.docc and Docs/Signal.md.
