<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ConflictsView</name>
    <message>
        <source>Sync conflicts</source>
        <translation>同步冲突</translation>
    </message>
    <message>
        <source>Changes head office merged with later ones or did not apply. Nothing is lost: compare both versions and choose.</source>
        <translation>总行与更晚的修改合并或未采纳的改动。不会丢失任何内容：请对比两个版本后选择。</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>情况</translation>
    </message>
    <message>
        <source>Your version</source>
        <translation>您的版本</translation>
    </message>
    <message>
        <source>Head office&apos;s version</source>
        <translation>总行的版本</translation>
    </message>
    <message>
        <source>Keep head office&apos;s version</source>
        <translation>采用总行版本</translation>
    </message>
    <message>
        <source>Send mine again</source>
        <translation>重新提交我的修改</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>忽略</translation>
    </message>
    <message>
        <source>No sync conflicts</source>
        <translation>没有同步冲突</translation>
    </message>
    <message>
        <source>When head office merges one of your changes with a later one, or cannot apply it, the change is listed here with both versions side by side for you to choose. Nothing you changed is lost.</source>
        <translation>若总行把您的某项修改与更晚的修改合并，或无法采用，该修改会列在这里，两个版本并排显示，由您选择。您的修改不会丢失。</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>(not shown: not in your book)</source>
        <translation>（不显示：不在您的客户名单中）</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>USCC</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>Legal representative / owner</source>
        <translation>法定代表人 / 经营者</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>详细地址</translation>
    </message>
    <message>
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <source>Street / town</source>
        <translation>街道 / 镇</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <source>Registered capital</source>
        <translation>注册资本</translation>
    </message>
    <message>
        <source>Established on</source>
        <translation>成立日期</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Last contact</source>
        <translation>最近联系</translation>
    </message>
    <message>
        <source>Next visit due</source>
        <translation>下次走访日期</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Stage changed at</source>
        <translation>阶段变更时间</translation>
    </message>
    <message>
        <source>Created at</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Updated at</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <source>From stage</source>
        <translation>原阶段</translation>
    </message>
    <message>
        <source>To stage</source>
        <translation>目标阶段</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Reason in words</source>
        <translation>原因说明</translation>
    </message>
    <message>
        <source>Enterprise</source>
        <translation>企业</translation>
    </message>
    <message>
        <source>Individual</source>
        <translation>个体工商户</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in to head office</source>
        <translation>登录总行</translation>
    </message>
    <message>
        <source>Register this computer with head office once; after that it syncs by itself whenever it is online. Your password is not stored.</source>
        <translation>只需在总行登记本机一次，之后联网时会自动同步。不会保存您的密码。</translation>
    </message>
    <message>
        <source>Head office address</source>
        <translation>总行服务地址</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <source>Sign-in failed: {detail}</source>
        <translation>登录失败：{detail}</translation>
    </message>
</context>
<context>
    <name>SyncConnection</name>
    <message>
        <source>Nowhere yet: this computer is not signed in to head office.</source>
        <translation>尚未保存：这台电脑还没有登录总行。</translation>
    </message>
    <message>
        <source>In the system keyring (the operating system&apos;s password store).</source>
        <translation>保存在系统钥匙串中（操作系统的密码库）。</translation>
    </message>
    <message>
        <source>In a file only your user account can read (this computer has no system keyring): {path}</source>
        <translation>保存在只有您的用户账户可以读取的文件中（这台电脑没有系统钥匙串）：{path}</translation>
    </message>
    <message>
        <source>Head office:</source>
        <translation>总行：</translation>
    </message>
    <message>
        <source>Signed in as:</source>
        <translation>登录用户：</translation>
    </message>
    <message>
        <source>Device token:</source>
        <translation>设备令牌：</translation>
    </message>
    <message>
        <source>not set up</source>
        <translation>尚未设置</translation>
    </message>
    <message>
        <source>not signed in</source>
        <translation>未登录</translation>
    </message>
</context>
<context>
    <name>SyncIndicator</name>
    <message>
        <source>Not connected to head office</source>
        <translation>未连接总行</translation>
    </message>
    <message>
        <source>Sign in to head office to sync this book</source>
        <translation>登录总行以同步本机数据</translation>
    </message>
    <message>
        <source>Syncing… {done}/{total}</source>
        <translation>正在同步… {done}/{total}</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <source>Sending changes to head office and receiving theirs</source>
        <translation>正在向总行发送修改并接收总行数据</translation>
    </message>
    <message numerus="yes">
        <source>Offline — %Ln change(s) waiting</source>
        <translation>
            <numerusform>离线 — %Ln 项修改待发送</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln conflict(s)</source>
        <translation>
            <numerusform>%Ln 个冲突</numerusform>
        </translation>
    </message>
    <message>
        <source>Sync did not finish: {reason}</source>
        <translation>同步未完成：{reason}</translation>
    </message>
    <message>
        <source>Your changes stay on this computer until it does.</source>
        <translation>在同步完成前，您的修改保存在本机，不会丢失。</translation>
    </message>
    <message>
        <source>Not synced yet</source>
        <translation>尚未同步</translation>
    </message>
    <message>
        <source>Last sync: {time}</source>
        <translation>上次同步：{time}</translation>
    </message>
    <message>
        <source>Click to sync with head office now (F9)</source>
        <translation>点击立即与总行同步（F9）</translation>
    </message>
    <message>
        <source>Changes are kept on this computer and sent when back online.</source>
        <translation>修改保存在本机，恢复联网后发送。</translation>
    </message>
    <message>
        <source>Sync failed</source>
        <translation>同步失败</translation>
    </message>
</context>
</TS>
