// Refreshes the dashboard every 10 s while the tab is visible (a reload keeps the page simple and server-rendered).
setInterval(() => {
  if (document.visibilityState === 'visible') window.location.reload();
}, 10000);
