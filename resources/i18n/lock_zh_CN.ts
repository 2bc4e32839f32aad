<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>LockController</name>
    <message>
        <source>&amp;Lock</source>
        <translation>锁定(&amp;L)</translation>
    </message>
    <message>
        <source>Hide the book until your passphrase is entered</source>
        <translation>隐藏客户簿，输入口令后才再显示</translation>
    </message>
    <message>
        <source>There are changes not saved yet: unlock to save or discard them, then quit or switch user.</source>
        <translation>还有未保存的修改：请先解锁并保存或放弃这些修改，再退出或切换用户。</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>{app} is locked</source>
        <translation>{app}已锁定</translation>
    </message>
    <message>
        <source>This computer holds no passphrase for this book, so anyone can unlock it. Ask IT to encrypt the book and set your passphrase.</source>
        <translation>这台电脑没有本客户簿的口令，任何人都能解锁。请联系信息科技部门加密客户簿并设置您的口令。</translation>
    </message>
    <message>
        <source>Enter your passphrase to go on where you were.</source>
        <translation>输入您的口令，回到锁定前的位置继续工作。</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>口令</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Switch user…</source>
        <translation>切换用户…</translation>
    </message>
    <message>
        <source>Start FirstLoan CRM again so that another user can sign in</source>
        <translation>重新启动首贷通，让另一位用户登录</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Enter the passphrase.</source>
        <translation>请输入口令。</translation>
    </message>
</context>
<context>
    <name>SetPassphraseDialog</name>
    <message>
        <source>Set your passphrase — {app}</source>
        <translation>设置口令 — {app}</translation>
    </message>
    <message>
        <source>Head office accepted you, {user}. Set a passphrase for this computer: the app asks for it at start and after a while without use. At least {count} characters; it is not your head-office password and is never sent.</source>
        <translation>{user}，总行已确认您的身份。请为这台电脑设置一个口令：启动时以及一段时间无操作后，应用会要求输入。至少 {count} 个字符；它不是您的总行密码，也不会被发送。</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>口令</translation>
    </message>
    <message>
        <source>Again</source>
        <translation>再次输入</translation>
    </message>
    <message>
        <source>Set passphrase</source>
        <translation>设置口令</translation>
    </message>
    <message>
        <source>The passphrase needs at least {count} characters.</source>
        <translation>口令至少需要 {count} 个字符。</translation>
    </message>
    <message>
        <source>The two passphrases differ: type it again.</source>
        <translation>两次输入的口令不一致，请重新输入。</translation>
    </message>
    <message>
        <source>Set a passphrase to go on.</source>
        <translation>请设置口令后继续。</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in — {app}</source>
        <translation>登录 — {app}</translation>
    </message>
    <message>
        <source>Sign in to open {book}: choose your name and enter your passphrase.</source>
        <translation>登录以打开 {book}：请选择您的用户名并输入口令。</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>口令</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Enter the passphrase.</source>
        <translation>请输入口令。</translation>
    </message>
</context>
</TS>