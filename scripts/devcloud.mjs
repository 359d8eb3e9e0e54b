// The demo: dev cloud + Notify, with notifications arriving on the emulated display.
console.error('The demo needs the dev cloud and the Notify app, which are not built yet (see issues 5 and 6).');
process.exitCode = 1;
