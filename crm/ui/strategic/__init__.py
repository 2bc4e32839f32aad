"""Strategic clients on the prospect page: the service plan (配套金融服务方案)."""
